import TallyPipelines
import TallyWarehouse

/// The first step of every cost template: validates the run's date parameters and records the window the run
/// loads as one row of `cost_windows` (`replace: source = '…'`). Later steps read the window from there, so
/// their `replace:` predicates and checks need no engine-specific date arithmetic and cannot disagree with
/// what the extractors fetched.
public struct CostWindowExtractor: SourceExtractor {
    public let source: String
    public let trailing: CostWindow.Trailing

    public init(source: String, trailing: CostWindow.Trailing) {
        self.source = source
        self.trailing = trailing
    }

    public var name: String { "\(source)_cost_window" }
    public var provider: String? { nil }

    public static let tableSchema = TableSchema(
        fields: [
            .init(name: "source", type: .string, mode: .required),
            .init(name: "window_start", type: .date, mode: .required),
            .init(name: "window_end", type: .date, mode: .required),
            .init(name: "requested_start", type: .date, mode: .required),
            .init(name: "requested_end", type: .date, mode: .required),
            .init(name: "trailing_days", type: .int64, mode: .required),
        ],
        description: "The days the last successful run of each cost source reloaded (inclusive UTC dates).")

    public var schema: TableSchema? { Self.tableSchema }

    public func extract(_ request: ExtractRequest, into sink: ExtractSink) throws {
        let window = try CostWindow(parameters: request.parameters, trailing: trailing)
        try sink.emit(
            RowBatch(
                columns: Self.tableSchema.columnNames,
                rows: [
                    [
                        "source": .string(source), "window_start": .date(window.start.description),
                        "window_end": .date(window.end.description),
                        "requested_start": .date(window.requestedStart.description),
                        "requested_end": .date(window.requestedEnd.description),
                        "trailing_days": .int(Int64(window.trailingDays)),
                    ]
                ]))
    }
}
