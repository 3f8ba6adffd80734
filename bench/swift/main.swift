import Foundation

// `tally-bench`: the measuring side of the benchmarks in bench/ (see bench/README.md). Built only with
// TALLY_BENCHMARKS=1 (see the end of Package.swift). Subcommands:
//
//   tally-bench auth [--iterations N] [--rounds R] [--thread-iterations N]
//       In-process: Authenticator.verify(apiKey:) on a warm cache against SHA-256 + one constant-time compare.
//       Prints the whole report.
//   tally-bench onboarding --url BASE --ca CERT --admin-key-file FILE [--count N] [--warmup W] [--prefix P]
//   tally-bench get --url BASE --ca CERT --tenant NAME:KEY... [--count N] [--path PATH]
//   tally-bench dryrun --url BASE --ca CERT --tenant NAME:KEY... [--count N] [--poll-ms MS] [--run-timeout S]
//       Through nginx, over keep-alive HTTPS connections (one per thread, one thread per --tenant). Print
//       `RESULT op=... key=value ...` lines that the bench/*.sh scripts turn into reports.
//
//   tally-bench generate-billing --out FILE [--rows N] [--seed S] [--csv FILE] [--month YYYY-MM]
//       Writes N deterministic GCP standard billing export rows as NDJSON (and the same rows as flat CSV), plus
//       FILE.meta (row count, usage days). See BillingExportGenerator.swift.
//   tally-bench billing-export --file FILE [--configs DIR] [--start-date D --end-date D] [--home DIR]
//       In-process: the gcp/cost/billing-export pipeline through PipelineRunner on a fresh SQLite warehouse;
//       prints wall time, rows/s and peak RSS (VmHWM) and a RESULT line.
//
// Exit status: 0 measured, 1 could not measure, 2 usage error.

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    Usage.fail("missing subcommand (auth, onboarding, get, dryrun, generate-billing, billing-export)")
}

do {
    let options = try Options(Array(arguments.dropFirst()))
    switch command {
    case "auth":
        try AuthBenchmark(options).run()
    case "onboarding":
        try HTTPBenchmarks.onboarding(options)
    case "get":
        try HTTPBenchmarks.get(options)
    case "dryrun":
        try HTTPBenchmarks.dryrun(options)
    case "generate-billing":
        try BillingExportGenerator(options).run()
    case "billing-export":
        try BillingExportBenchmark(options).run()
    default:
        Usage.fail("unknown subcommand '\(command)' (auth, onboarding, get, dryrun, generate-billing, billing-export)")
    }
} catch let error as UsageError {
    Usage.fail(error.message)
} catch {
    FileHandle.standardError.write(Data("tally-bench \(command): \(error)\n".utf8))
    exit(1)
}
