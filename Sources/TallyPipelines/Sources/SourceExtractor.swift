import TallyHTTP
import TallyWarehouse

/// Reads a provider's data (a billing export, a cost API) into raw rows for an `extract` step.
///
/// Extractors live in `TallySources`; the runner only sees this protocol. An extractor streams: it hands
/// rows over in bounded batches, so memory does not grow with the size of the source.
public protocol SourceExtractor: Sendable {
    /// The name templates use in `source:`, e.g. `openai_costs`.
    var name: String { get }
    /// The provider whose active credential the step needs (`gcp`, `openai`, `anthropic`), or nil.
    var provider: String? { get }
    /// The rows' schema; the step's staging table is created with it. Nil for extractors that write a table
    /// whose schema file the step names (`schema:`), such as `focus_costs`.
    var schema: TableSchema? { get }
    /// Further tables the extractor fills in the same pass, by output name (e.g. a source's own totals); the
    /// step maps each name to a destination (`outputs:`). Empty for most extractors.
    var auxiliaryOutputs: [String: TableSchema] { get }
    /// Fetches the rows the run's parameters ask for and passes them to `sink` in batches. A thrown error
    /// fails the step; whatever was emitted is discarded with the run's staging tables.
    func extract(_ request: ExtractRequest, into sink: ExtractSink) throws
}

extension SourceExtractor {
    public var auxiliaryOutputs: [String: TableSchema] { [:] }
}

/// Where an extractor's batches go. The main output may be written on another thread while the extractor
/// goes on reading, so an extractor builds a new batch rather than mutating one it emitted. `emit(_:)` may be
/// called from several threads at once (extractors that decode in parallel); `emit(_:to:)` from one.
public struct ExtractSink {
    private let main: (RowBatch) throws -> Void
    private let auxiliary: (String, RowBatch) throws -> Void
    private let recycled: ([String]) -> RowBatch?

    public init(
        main: @escaping (RowBatch) throws -> Void, auxiliary: @escaping (String, RowBatch) throws -> Void,
        recycled: @escaping ([String]) -> RowBatch? = { _ in nil }
    ) {
        self.main = main
        self.auxiliary = auxiliary
        self.recycled = recycled
    }

    /// An empty batch of `columns` whose storage an emitted batch used, when one has been written; bulk
    /// extractors take their next batch from here before making a new one.
    public func recycledBatch(columns: [String]) -> RowBatch? {
        recycled(columns)
    }

    /// Rows for the step's destination.
    public func emit(_ batch: RowBatch) throws {
        if !batch.isEmpty { try main(batch) }
    }

    /// Rows for one of `auxiliaryOutputs`.
    public func emit(_ batch: RowBatch, to output: String) throws {
        if !batch.isEmpty { try auxiliary(output, batch) }
    }
}

/// What an extractor is asked for.
public struct ExtractRequest: Sendable {
    public var tenantID: String
    /// The run's validated parameters (`start_date`, `end_date`, …).
    public var parameters: [String: WarehouseValue]
    /// The tenant's active credential for the extractor's provider.
    public var credential: SourceCredential?

    public init(tenantID: String, parameters: [String: WarehouseValue], credential: SourceCredential?) {
        self.tenantID = tenantID
        self.parameters = parameters
        self.credential = credential
    }
}

/// A decrypted credential, held only for the duration of a step. Its description never shows the secret.
public struct SourceCredential: Sendable, CustomStringConvertible {
    public var credentialID: String
    public var provider: String
    public var credentialType: String
    public var secret: String
    /// Non-secret settings the source needs (e.g. `billing_export_file`, `organization_id`).
    public var settings: [String: JSONValue]

    public init(
        credentialID: String, provider: String, credentialType: String, secret: String,
        settings: [String: JSONValue]
    ) {
        self.credentialID = credentialID
        self.provider = provider
        self.credentialType = credentialType
        self.secret = secret
        self.settings = settings
    }

    public var description: String { "SourceCredential(\(credentialID), \(provider), \(credentialType))" }
}

/// Finds a tenant's active credential for a provider (the newest active one, so adding a credential
/// rotates it).
public protocol CredentialResolver: Sendable {
    func activeCredential(tenantID: String, provider: String) throws -> SourceCredential?
}

/// The extractors a runner can use, and where their credentials come from.
public struct SourceRegistry: Sendable {
    public var extractors: [String: any SourceExtractor]
    public var credentials: (any CredentialResolver)?

    public init(extractors: [any SourceExtractor] = [], credentials: (any CredentialResolver)? = nil) {
        self.extractors = Dictionary(extractors.map { ($0.name, $0) }) { first, _ in first }
        self.credentials = credentials
    }
}
