internal import CSQLite
import Foundation

/// A SQLite handle that can see exactly one dataset: an empty `:memory:` main database with the dataset's file
/// attached under the dataset's name, further attaches impossible, and an authorizer that confines the SQL
/// callers supply. This file is the only Swift code that calls libsqlite3.
///
/// A connection is used by one thread at a time; it crosses threads only through `ConnectionPool`'s mutex,
/// which is why it can be `@unchecked Sendable`.
final class SQLiteConnection: @unchecked Sendable {
    let dataset: String
    private let handle: OpaquePointer
    private let policy = AuthorizerPolicy()

    /// Configures the library once, before its first use (SQLite refuses configuration afterwards).
    private static let configured: Void = {
        _ = tally_sqlite3_disable_memstatus()
    }()

    /// The page size of dataset files this connection creates.
    static let pageSize = 16_384

    /// Opens a connection to the dataset file at `uri` (a `file:` URI), in WAL mode.
    init(dataset: String, uri: String) throws(WarehouseError) {
        Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(":memory:", &db, flags, nil) == SQLITE_OK, let db else {
            sqlite3_close_v2(db)
            throw .io("cannot open an SQLite connection")
        }
        self.dataset = dataset
        self.handle = db
        sqlite3_busy_timeout(db, 10_000)
        _ = tally_sqlite3_db_config_int(db, SQLITE_DBCONFIG_DEFENSIVE, 1)
        _ = tally_sqlite3_db_config_int(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0)
        // Renames leave references in views alone, so a promoted table takes its predecessor's place.
        _ = tally_sqlite3_db_config_int(db, SQLITE_DBCONFIG_LEGACY_ALTER_TABLE, 1)
        let attach = try prepare("ATTACH DATABASE ?1 AS \"\(dataset)\"")
        try attach.bind(.string(uri), at: 1)
        _ = try attach.step()
        // Takes effect only while the file is new (before WAL mode is set): datasets are analytic tables, and
        // 16 KiB pages make a bulk load's file ~7% smaller and full scans ~20% faster than the 4 KiB default.
        try run("PRAGMA \"\(dataset)\".page_size=\(Self.pageSize)")
        let journal = try prepare("PRAGMA \"\(dataset)\".journal_mode=WAL")
        guard try journal.step(), journal.value(at: 0, as: nil) == .string("wal") else {
            throw .io("cannot put dataset \(dataset) in WAL mode")
        }
        try run("PRAGMA \"\(dataset)\".synchronous=NORMAL")
        sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 1)
        sqlite3_set_authorizer(db, authorize, Unmanaged.passUnretained(policy).toOpaque())
    }

    deinit { sqlite3_close_v2(handle) }

    /// Compiles one statement. `untrusted` SQL (anything a caller wrote) is compiled and run under the
    /// confining authorizer rules; internal SQL only under the no-attach rule.
    func prepare(_ sql: String, untrusted: Bool = false) throws(WarehouseError) -> Statement {
        policy.untrusted = untrusted
        defer { policy.untrusted = false }
        var statement: OpaquePointer?
        var trailing = false
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v2(handle, text, -1, &statement, &tail)
            if rc == SQLITE_OK, let tail, tail.pointee != 0 {
                var extra: OpaquePointer?
                trailing = sqlite3_prepare_v2(handle, tail, -1, &extra, nil) != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return rc
        }
        guard rc == SQLITE_OK else {
            let error = self.error(rc)
            sqlite3_finalize(statement)
            throw error
        }
        guard let statement else { throw .invalidQuery("empty SQL") }
        guard !trailing else {
            sqlite3_finalize(statement)
            throw .invalidQuery("SQL must be a single statement")
        }
        return Statement(connection: self, handle: statement, untrusted: untrusted)
    }

    /// Runs internal SQL that takes no parameters and whose rows, if any, do not matter.
    func run(_ sql: String) throws(WarehouseError) {
        let statement = try prepare(sql)
        while try statement.step() {}
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE; `totalChanges` tells whether one just ran.
    var changes: Int { Int(sqlite3_changes64(handle)) }
    var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    fileprivate func error(_ code: Int32) -> WarehouseError {
        let message = String(cString: sqlite3_errmsg(handle))
        switch code & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: return .unavailable(message)
        case SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB, SQLITE_READONLY,
            SQLITE_NOMEM, SQLITE_PROTOCOL, SQLITE_PERM, SQLITE_NOLFS:
            return .io(message)
        default: return .invalidQuery(message)
        }
    }

    /// A compiled statement; finalized when released. Belongs to its connection's thread.
    final class Statement {
        private let connection: SQLiteConnection
        private let handle: OpaquePointer
        private let untrusted: Bool
        private var timestampText = [UInt8](repeating: 0, count: TimestampText.length)
        /// Why the last cell of a batch could not be bound (it names the column, never the value).
        private var lastConversionError: WarehouseError?

        fileprivate init(connection: SQLiteConnection, handle: OpaquePointer, untrusted: Bool) {
            self.connection = connection
            self.handle = handle
            self.untrusted = untrusted
        }

        deinit { sqlite3_finalize(handle) }

        var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
        var columnCount: Int32 { sqlite3_column_count(handle) }
        var columnNames: [String] { (0..<columnCount).map { String(cString: sqlite3_column_name(handle, $0)) } }
        /// Declared column types, for result columns that are plain column references (else nil).
        var declaredTypes: [String?] {
            (0..<columnCount).map { sqlite3_column_decltype(handle, $0).map { String(cString: $0) } }
        }

        /// For result columns that read a column of a dataset table directly: that table and column (else nil).
        var origins: [(table: String, column: String)?] {
            (0..<columnCount).map { index in
                guard let database = sqlite3_column_database_name(handle, index),
                    String(cString: database) == connection.dataset,
                    let table = sqlite3_column_table_name(handle, index),
                    let column = sqlite3_column_origin_name(handle, index)
                else { return nil }
                return (String(cString: table), String(cString: column))
            }
        }

        /// Binds every `@name` the statement declares from `parameters`; extra values are ignored.
        func bind(_ parameters: [String: WarehouseValue]) throws(WarehouseError) {
            let count = sqlite3_bind_parameter_count(handle)
            guard count > 0 else { return }
            for index in 1...count {
                guard let raw = sqlite3_bind_parameter_name(handle, index), raw.pointee != 0x3F else {
                    throw .invalidQuery("positional parameters are not supported; use @name")
                }
                let name = String(String(cString: raw).dropFirst())
                guard let value = parameters[name] else { throw .invalidValue("missing parameter @\(name)") }
                try bind(value, at: index)
            }
        }

        /// Binds one value: booleans as 0/1, timestamps as `TimestampText`, dates and JSON as text.
        func bind(_ value: WarehouseValue, at index: Int32) throws(WarehouseError) {
            let rc: Int32?
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .bool(let flag): rc = sqlite3_bind_int64(handle, index, flag ? 1 : 0)
            case .int(let number): rc = sqlite3_bind_int64(handle, index, number)
            case .double(let number): rc = sqlite3_bind_double(handle, index, number)
            case .string(let text), .date(let text), .json(let text): rc = bindText(text, at: index)
            case .bytes(let bytes): rc = bytes.withUnsafeBytes { bind($0, at: index, asText: false) }
            case .timestamp(let date):
                if TimestampText.write(date, into: &timestampText) {
                    rc = timestampText.withUnsafeBytes { bind($0, at: index, asText: true) }
                } else {
                    rc = bindText(TimestampText.format(date), at: index)
                }
            }
            guard let rc else { throw .invalidValue("value longer than 2 GiB") }
            guard rc == SQLITE_OK else { throw connection.error(rc) }
        }

        private func bindText(_ text: String, at index: Int32) -> Int32? {
            var text = text
            return text.withUTF8 { bind(UnsafeRawBufferPointer($0), at: index, asText: true) }
        }

        /// Binds bytes that SQLite copies; nil when they are too long for its API.
        private func bind(_ raw: UnsafeRawBufferPointer, at index: Int32, asText: Bool) -> Int32? {
            guard raw.count <= Int(Int32.max) else { return nil }
            let count = Int32(raw.count)
            if asText {
                guard let text = raw.baseAddress?.assumingMemoryBound(to: CChar.self), count > 0 else {
                    return tally_sqlite3_bind_text_transient(handle, index, "", 0)
                }
                return tally_sqlite3_bind_text_transient(handle, index, text, count)
            }
            guard let base = raw.baseAddress, count > 0 else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return tally_sqlite3_bind_blob_transient(handle, index, base, count)
        }

        /// Inserts every row of `batch`, its columns bound to parameters 1…n as `columns` says. Cells of their
        /// column's type (nearly all, in a bulk load) are bound in place: text `SQLITE_STATIC` from the batch's
        /// buffer, timestamps from a per-column text slot rewritten only when the value changes (rows repeat
        /// billing periods and hours). Other cells are converted first, and errors name the column.
        func insert(_ batch: RowBatch, columns: [SQLiteTypeMapping.InsertColumn]) throws(WarehouseError) {
            let width = columns.count
            precondition(batch.columns.count == width, "one insert column per batch column")
            var timestamps = TimestampSlots(columns: width)
            let handle = handle
            connection.policy.untrusted = untrusted
            defer { connection.policy.untrusted = false }
            let unknown = UInt8.max
            var parameters = columns.map { Parameter(direct: $0.directKinds, boundKind: unknown, boundBits: 0) }
            let failure: WarehouseError? = parameters.withUnsafeMutableBufferPointer { state in
                batch.cells.withUnsafeBufferPointer { cells in
                    batch.text.withUnsafeBytes { text in
                        let base = text.baseAddress.map { $0.assumingMemoryBound(to: CChar.self) }
                        var offset = 0
                        for row in 0..<batch.count {
                            for column in 0..<width {
                                let cell = cells[offset + column]
                                let index = Int32(column + 1)
                                if state[column].boundKind == cell.kind.rawValue,
                                    cell.kind == .null
                                        || (cell.kind == .timestamp && state[column].boundBits == cell.payload)
                                        || Self.sameText(cell, as: state[column].boundBits, in: text)
                                {
                                    continue
                                }
                                state[column].boundKind = unknown
                                var rc: Int32 = -1
                                if state[column].direct & (1 << cell.kind.rawValue) != 0 {
                                    switch cell.kind {
                                    case .null:
                                        rc = sqlite3_bind_null(handle, index)
                                        state[column].boundKind = cell.kind.rawValue
                                    case .int, .bool:
                                        rc = sqlite3_bind_int64(handle, index, Int64(bitPattern: cell.payload))
                                    case .double:
                                        rc = sqlite3_bind_double(handle, index, Double(bitPattern: cell.payload))
                                    case .timestamp:
                                        if let slot = timestamps.text(of: cell.payload, column: column) {
                                            rc = tally_sqlite3_bind_text_static(
                                                handle, index, slot, Int32(TimestampText.length))
                                            (state[column].boundKind, state[column].boundBits) = (
                                                cell.kind.rawValue, cell.payload
                                            )
                                        }
                                    case .string, .json, .date, .bytes:
                                        let range = cell.textRange
                                        guard let base, !range.isEmpty, range.count <= Int(Int32.max) else { break }
                                        if cell.kind == .date,
                                            !CivilDate.isDate(UnsafeRawBufferPointer(rebasing: text[range]))
                                        {
                                            break
                                        }
                                        if cell.kind != .bytes, cell.length < 1 << 24, cell.payload < 1 << 40 {
                                            (state[column].boundKind, state[column].boundBits) = (
                                                cell.kind.rawValue, cell.packedRange
                                            )
                                        }
                                        rc =
                                            cell.kind == .bytes
                                            ? tally_sqlite3_bind_blob_static(
                                                handle, index, base + range.lowerBound, Int32(range.count))
                                            : tally_sqlite3_bind_text_static(
                                                handle, index, base + range.lowerBound, Int32(range.count))
                                    }
                                }
                                if rc == -1 { rc = bindConverted(batch, row: row, column: columns[column], at: index) }
                                if rc == -1 {
                                    return lastConversionError ?? .invalidValue("column \(columns[column].name)")
                                }
                                guard rc == SQLITE_OK else { return connection.error(rc) }
                            }
                            offset += width
                            let rc = sqlite3_step(handle)
                            sqlite3_reset(handle)
                            guard rc == SQLITE_DONE else { return connection.error(rc) }
                        }
                        return nil
                    }
                }
            }
            // No binding may outlive the batch's buffers.
            sqlite3_clear_bindings(handle)
            if let failure { throw failure }
        }

        /// One parameter of a bulk insert: a bit per `RowBatch.Cell.Kind` bound as it is, and what the parameter holds
        /// from the previous row (bindings survive `sqlite3_reset`, so a null, an unchanged timestamp bound from its
        /// slot or equal text is not bound again; most FOCUS columns of a source are null, and constants repeat).
        /// Plain integers in one buffer, so the row loop neither retains nor checks uniqueness.
        private struct Parameter {
            var direct: UInt16
            var boundKind: UInt8
            var boundBits: UInt64
        }

        /// Whether text `cell` has the same bytes as the text bound from `packed` (a `Cell.packedRange` of the
        /// same batch, still valid): rows repeat constants such as provider names and currencies, and binding
        /// costs more than comparing a few bytes.
        private static func sameText(_ cell: RowBatch.Cell, as packed: UInt64, in text: UnsafeRawBufferPointer) -> Bool
        {
            guard cell.kind == .string || cell.kind == .json || cell.kind == .date, cell.length < 1 << 24,
                cell.payload < 1 << 40
            else { return false }
            if packed == cell.packedRange { return true }
            let bound = RowBatch.Cell.range(packed: packed)
            let range = cell.textRange
            guard bound.count == range.count, let base = text.baseAddress else { return false }
            return memcmp(base + bound.lowerBound, base + range.lowerBound, range.count) == 0
        }

        /// The converted value of a cell whose kind is not its column's (or fails its check), bound with a copy;
        /// -1 when it cannot be converted. `lastConversionError` keeps the error, which names the column.
        private func bindConverted(
            _ batch: RowBatch, row: Int, column: SQLiteTypeMapping.InsertColumn, at index: Int32
        ) -> Int32 {
            do throws(WarehouseError) {
                try bind(column.storable(batch[row, Int(index) - 1]), at: index)
                return SQLITE_OK
            } catch {
                lastConversionError = error
                return -1
            }
        }

        /// Advances; true when a row is available.
        func step() throws(WarehouseError) -> Bool {
            connection.policy.untrusted = untrusted
            let rc = sqlite3_step(handle)
            connection.policy.untrusted = false
            switch rc {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw connection.error(rc)
            }
        }

        /// Rewinds for the next set of bindings.
        func reset() {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }

        /// The current row's value in `column`, read as `type` where the stored value allows it.
        func value(at column: Int32, as type: FieldType?) -> WarehouseValue {
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER:
                let number = sqlite3_column_int64(handle, column)
                switch type {
                case .bool: return .bool(number != 0)
                case .float64, .numeric: return .double(Double(number))
                default: return .int(number)
                }
            case SQLITE_FLOAT:
                return .double(sqlite3_column_double(handle, column))
            case SQLITE_TEXT:
                let start = sqlite3_column_text(handle, column)
                let bytes = UnsafeBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column)))
                switch type {
                case .timestamp: if let date = TimestampText.parse(bytes) { return .timestamp(date) }
                case .date: return .date(String(decoding: bytes, as: UTF8.self))
                case .json, .record: return .json(String(decoding: bytes, as: UTF8.self))
                default: break
                }
                return .string(String(decoding: bytes, as: UTF8.self))
            case SQLITE_BLOB:
                let start = sqlite3_column_blob(handle, column)
                let count = Int(sqlite3_column_bytes(handle, column))
                return .bytes(Array(UnsafeRawBufferPointer(start: start, count: count)))
            default:
                return .null
            }
        }
    }
}

/// Whether the SQL being compiled or run came from a caller; read by the authorizer callback.
private final class AuthorizerPolicy {
    var untrusted = false
}

/// Denies ATTACH/DETACH always. For caller SQL also denies: transaction control (the warehouse owns
/// transactions), pragmas that set something, temp objects and virtual tables, triggers (their bodies would
/// later run inside the warehouse's own, trusted statements), writes outside the dataset (`main`, `temp`),
/// and any use of internal `__` tables.
private func authorize(
    _ context: UnsafeMutableRawPointer?, _ action: Int32, _ first: UnsafePointer<CChar>?,
    _ second: UnsafePointer<CChar>?, _ database: UnsafePointer<CChar>?, _ trigger: UnsafePointer<CChar>?
) -> Int32 {
    if action == SQLITE_ATTACH || action == SQLITE_DETACH { return SQLITE_DENY }
    guard let context, Unmanaged<AuthorizerPolicy>.fromOpaque(context).takeUnretainedValue().untrusted else {
        return SQLITE_OK
    }
    let isInternal = { (name: UnsafePointer<CChar>?) in name.map { sqlite3_strnicmp($0, "__", 2) == 0 } ?? false }
    let isOutside = { (name: UnsafePointer<CChar>?) in
        name.map { sqlite3_stricmp($0, "main") == 0 || sqlite3_stricmp($0, "temp") == 0 } ?? false
    }
    switch action {
    case SQLITE_TRANSACTION, SQLITE_SAVEPOINT, SQLITE_CREATE_VTABLE, SQLITE_DROP_VTABLE, SQLITE_CREATE_TRIGGER,
        SQLITE_CREATE_TEMP_INDEX, SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW,
        SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_TABLE, SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_TEMP_VIEW:
        return SQLITE_DENY
    case SQLITE_PRAGMA:
        let readsWithArgument = ["table_info", "table_xinfo", "index_list", "index_info", "index_xinfo"]
        guard second != nil, let first else { return SQLITE_OK }
        return readsWithArgument.contains { sqlite3_stricmp(first, $0) == 0 } ? SQLITE_OK : SQLITE_DENY
    case SQLITE_READ:
        return isInternal(first) ? SQLITE_DENY : SQLITE_OK
    case SQLITE_ALTER_TABLE:
        return isInternal(second) || isOutside(first) ? SQLITE_DENY : SQLITE_OK
    case SQLITE_CREATE_INDEX, SQLITE_DROP_INDEX, SQLITE_DROP_TRIGGER:
        return isInternal(first) || isInternal(second) || isOutside(database) ? SQLITE_DENY : SQLITE_OK
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
        // Schema tables are SQLite's own business (eponymous virtual tables such as json_each register in
        // main's); defensive mode keeps SQL from writing them.
        let isSchema = first.map { sqlite3_strnicmp($0, "sqlite_", 7) == 0 } ?? false
        return isInternal(first) || (isOutside(database) && !isSchema) ? SQLITE_DENY : SQLITE_OK
    case SQLITE_CREATE_TABLE, SQLITE_CREATE_VIEW, SQLITE_DROP_TABLE, SQLITE_DROP_VIEW, SQLITE_ANALYZE,
        SQLITE_REINDEX:
        return isInternal(first) || isOutside(database) ? SQLITE_DENY : SQLITE_OK
    default:
        return SQLITE_OK
    }
}
