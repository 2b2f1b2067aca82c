import QueryBuilder
import Testing

typealias Code = DatabaseError.Code

@Suite struct DatabaseErrorCodeTests {
  /// Every code Wren defines.
  static let allCodes: [Code] = [
    .uniqueViolation, .foreignKeyViolation, .notNullViolation, .checkViolation,
    .integrityConstraintViolation, .syntaxError, .undefinedTable, .undefinedColumn,
    .undefinedFunction, .datatypeMismatch, .duplicateObject, .insufficientPrivilege,
    .syntaxErrorOrAccessRuleViolation, .invalidTextRepresentation, .numericValueOutOfRange,
    .characterNotInRepertoire, .divisionByZero, .stringDataRightTruncation, .dataException,
    .serializationFailure, .deadlockDetected, .databaseBusy, .lockNotAvailable, .queryCanceled,
    .adminShutdown, .readOnlyTransaction, .inFailedTransaction, .invalidTransactionState,
    .tooManyConnections, .insufficientResources, .invalidAuthorization, .invalidCatalogName,
    .connectionFailure, .dataCorrupted, .internalError, .other,
  ]

  /// Every SQLSTATE with a code of its own (PostgreSQL's errcodes appendix).
  static let exactMappings: [(String, Code)] = [
    ("23505", .uniqueViolation), ("23503", .foreignKeyViolation), ("23502", .notNullViolation),
    ("23514", .checkViolation), ("42601", .syntaxError), ("42P01", .undefinedTable),
    ("42703", .undefinedColumn), ("42883", .undefinedFunction), ("42804", .datatypeMismatch),
    ("42P07", .duplicateObject), ("42710", .duplicateObject), ("42P06", .duplicateObject),
    ("42501", .insufficientPrivilege), ("22P02", .invalidTextRepresentation),
    ("22003", .numericValueOutOfRange), ("22021", .characterNotInRepertoire), ("22012", .divisionByZero),
    ("22001", .stringDataRightTruncation), ("40001", .serializationFailure), ("40P01", .deadlockDetected),
    ("55P03", .lockNotAvailable), ("57014", .queryCanceled), ("57P01", .adminShutdown),
    ("57P02", .adminShutdown), ("57P03", .connectionFailure), ("25006", .readOnlyTransaction),
    ("25P02", .inFailedTransaction), ("53300", .tooManyConnections), ("28000", .invalidAuthorization),
    ("28P01", .invalidAuthorization), ("3D000", .invalidCatalogName), ("XX001", .dataCorrupted),
  ]

  @Test(arguments: exactMappings)
  func sqlStateWithACodeOfItsOwnMapsExactly(_ sqlState: String, _ code: Code) {
    #expect(Code.fromSQLState(sqlState) == code)
  }

  @Test(arguments: [
    ("23999", Code.integrityConstraintViolation),
    ("23000", .integrityConstraintViolation),
    ("23P01", .integrityConstraintViolation),  // exclusion_violation
    ("08001", .connectionFailure),
    ("08006", .connectionFailure),
    ("08P01", .connectionFailure),
    ("22000", .dataException),
    ("22007", .dataException),
    ("25001", .invalidTransactionState),
    ("28999", .invalidAuthorization),
    ("42000", .syntaxErrorOrAccessRuleViolation),
    ("42P10", .syntaxErrorOrAccessRuleViolation),
    ("53100", .insufficientResources),
    ("53200", .insufficientResources),
    ("XX000", .internalError),
    ("XX002", .internalError),
  ])
  func otherSQLStatesFallBackToTheirClass(_ sqlState: String, _ code: Code) {
    #expect(Code.fromSQLState(sqlState) == code)
  }

  @Test(arguments: ["ZZ999", "00000", "01000", "40002", "55000", "57000", "P0001", "HV000", "", "2", "x"])
  func sqlStateOfAnUnmappedClassIsOther(_ sqlState: String) {
    #expect(Code.fromSQLState(sqlState) == .other)
  }

  @Test(arguments: allCodes)
  func defaultSQLStateMapsBackToItsCode(_ code: Code) {
    guard let sqlState = code.defaultSQLState else { return }
    #expect(sqlState.utf8.count == 5)
    #expect(Code.fromSQLState(sqlState) == code)
  }

  @Test func codesWithoutASQLStateOfTheirOwn() {
    #expect(Self.allCodes.filter { $0.defaultSQLState == nil } == [.databaseBusy, .other])
  }

  @Test func codesAreDistinctAndNamedForTheirMember() {
    #expect(Set(Self.allCodes).count == Self.allCodes.count)
    #expect(Code.uniqueViolation.description == "uniqueViolation")
    #expect(Code.syntaxErrorOrAccessRuleViolation.description == "syntaxErrorOrAccessRuleViolation")
    #expect(Set(Self.allCodes.map(\.description)).count == Self.allCodes.count)
  }
}
