import QueryBuilder

/// What a constraint error says, in the model's terms: compared across backends.
struct ViolationReport: Equatable, CustomStringConvertible {
  var code: DatabaseError.Code
  var sqlState: String?
  var modelName: String?
  var modelFields: [String]

  init(_ error: DatabaseError) {
    code = error.code
    sqlState = error.sqlState
    modelName = error.modelName
    modelFields = error.modelFields
  }

  init(code: DatabaseError.Code, modelName: String?, modelFields: [String]) {
    self.code = code
    self.sqlState = code.defaultSQLState
    self.modelName = modelName
    self.modelFields = modelFields
  }

  var description: String { "\(code) (\(sqlState ?? "-")) on \(modelName ?? "-") \(modelFields)" }
}
