import ArgumentParser
import TallyFastCGI

/// The `tally` command: the FastCGI service and the operator's tools.
@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Multi-tenant cloud-cost data pipelines behind nginx.",
        subcommands: [ServeCommand.self, InitCommand.self]
    )

    /// Signal masks are per thread and inherited, so they are set before anything can start a thread.
    static func main() {
        FastCGIServer.prepareProcessSignals()
        main(nil)
    }
}
