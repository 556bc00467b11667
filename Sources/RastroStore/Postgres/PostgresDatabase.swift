import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A connection to a PostgreSQL server (postgres-nio), with `search_path` set to the URL's schema.
final class PostgresDatabase: SQLConnection, @unchecked Sendable {
    let dialect = SQLDialect.postgres
    let connection: PostgresConnection
    let logger: Logger
    let schema: String
    private let trace: (@Sendable (String) -> Void)?

    static func connect(_ url: DatabaseURL.Postgres, trace: (@Sendable (String) -> Void)?) async throws -> PostgresDatabase {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        let logger = Logger(label: "rastro.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw StoreError(.connection, "cannot connect to PostgreSQL at \(url.host):\(url.port)", detail: String(reflecting: error))
        }
        let database = PostgresDatabase(connection: connection, logger: logger, schema: url.schema, trace: trace)
        try await database.execute("CREATE SCHEMA IF NOT EXISTS \(url.schema)")
        try await database.execute("SET search_path TO \(url.schema)")
        return database
    }

    private init(connection: PostgresConnection, logger: Logger, schema: String, trace: (@Sendable (String) -> Void)?) {
        self.connection = connection
        self.logger = logger
        self.schema = schema
        self.trace = trace
    }

    func close() async {
        try? await connection.close()
    }

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let integer): binds.append(integer)
            case .double(let double): binds.append(double)
            case .text(let text): binds.append(text)
            }
        }
        return binds
    }

    func wrap(_ error: any Error, _ message: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState]
            let detail = [error.serverInfo?[.message], state].compactMap { $0 }.joined(separator: " / ")
            if state == "23505" { return StoreError(.conflict, message, detail: detail) }
            if state == "57014" { return StoreError(.interrupted, message, detail: detail) }
            return StoreError(.sql, message, detail: detail.isEmpty ? String(reflecting: error) : detail)
        }
        return StoreError(.sql, message, detail: String(reflecting: error))
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws {
        let text = dialect.placeholders(sql)
        trace?(text)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: text, binds: Self.bindings(binds)), logger: logger)
        } catch {
            throw wrap(error, "PostgreSQL statement failed")
        }
    }

    func query(_ sql: String, _ binds: [SQLValue]) async throws -> [SQLRow] {
        let text = dialect.placeholders(sql)
        trace?(text)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: text, binds: Self.bindings(binds)), logger: logger)
            var result: [SQLRow] = []
            var columns: [String]?
            for try await row in rows {
                var values: [SQLValue] = []
                var names: [String] = []
                for cell in row {
                    if columns == nil { names.append(cell.columnName) }
                    values.append(try Self.value(cell))
                }
                if columns == nil { columns = names }
                result.append(SQLRow(columns: columns!, values: values))
            }
            return result
        } catch {
            throw wrap(error, "PostgreSQL query failed")
        }
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(Int64(try cell.decode(Int.self)))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .numeric: return .double(Double(try cell.decode(String.self)) ?? .nan)
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }

    /// Streams rows into `table` with `COPY … FROM STDIN` (text format).
    func copy(into table: String, columns: [String], produce: (PostgresCopyFromWriter) async throws -> Void) async throws {
        trace?("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
        do {
            try await connection.copyFrom(table: table, columns: columns, logger: logger, writeData: produce)
        } catch let error as PSQLError {
            throw wrap(error, "PostgreSQL COPY into \(table) failed")
        }
        // Any other error came from `produce` (e.g. the input file is broken) and is rethrown as is.
    }
}
