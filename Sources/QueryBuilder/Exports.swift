// Code that builds queries works with values and rows, so importing QueryBuilder
// brings in Model too.
@_exported import Model
