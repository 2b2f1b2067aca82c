// The umbrella module: `import Wren` brings in models, the query builder and both
// backends.
@_exported import Model
@_exported import PGBackend
@_exported import QueryBuilder
@_exported import SQLiteTestBackend
