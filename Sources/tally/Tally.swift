import ArgumentParser

/// The `tally` command: the FastCGI service and the operator's tools.
@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Multi-tenant cloud-cost data pipelines behind nginx.",
        subcommands: [ServeCommand.self, InitCommand.self]
    )
}
