import Foundation
import Testing

/// The systemd units in `systemd/`, checked offline with `systemd-analyze` (no systemd as PID 1 needed).
///
/// `systemd-analyze verify` fails when ExecStart's binary does not exist, and CI has no
/// /usr/local/bin/tally. Rather than touching /usr/local/bin, the tests verify temp copies of the units
/// in which the `/usr/local/bin/tally` path (and only it) is rewritten to an executable stand-in in the
/// same temp dir. Everything else is the files' real content.
@Suite("systemd units")
struct SystemdUnitTests {
    static let unitFiles = ["tally@.socket", "tally@.service", "tally.target"]
    static let installedBinary = "/usr/local/bin/tally"

    /// Copies the units into a temp dir with ExecStart pointing at a stand-in executable there.
    /// `instance` additionally writes `tally@<instance>.service` / `.socket` copies.
    private func stageUnits(in dir: URL, instance: String? = nil) throws {
        let standIn = dir.appendingPathComponent("bin/tally")
        try FileManager.default.createDirectory(
            at: standIn.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try "#!/bin/sh\nexit 0\n".write(to: standIn, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: standIn.path)

        for name in Self.unitFiles {
            var text = try String(contentsOfFile: Deploy.repoPath("systemd/\(name)"), encoding: .utf8)
            if name == "tally@.service" {
                #expect(text.contains("\nExecStart=\(Self.installedBinary) serve --instance %i\n"))
                text = text.replacingOccurrences(
                    of: "ExecStart=\(Self.installedBinary) ", with: "ExecStart=\(standIn.path) ")
            }
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            if let instance, name.contains("@.") {
                let instanceName = name.replacingOccurrences(of: "@.", with: "@\(instance).")
                try text.write(to: dir.appendingPathComponent(instanceName), atomically: true, encoding: .utf8)
            }
        }
    }

    /// Warnings (unknown keys, misspelt system call groups, ...) exit 0, so ANY output is a failure.
    @Test("systemd-analyze verify prints nothing for the units")
    func verifyIsClean() throws {
        let dir = try Deploy.makeTempDir("units")
        defer { Deploy.cleanUp(dir) }
        try stageUnits(in: dir, instance: "1")
        let analyze = try Deploy.tool("systemd-analyze")

        let unitSets = [
            Self.unitFiles,  // templates and the target (which pulls in tally@1..4.service)
            ["tally@1.service", "tally@1.socket"],  // an instance, with %i resolved
        ]
        for units in unitSets {
            let result = try Deploy.run(
                analyze,
                ["verify", "--man=no"] + units.map { dir.appendingPathComponent($0).path },
                currentDirectory: dir
            )
            #expect(result.status == 0, "systemd-analyze verify \(units) exited \(result.status)")
            let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(output.isEmpty, "systemd-analyze verify \(units) printed:\n\(output)")
        }
    }

    /// `--threshold` is on the 0-100 scale: 20 means the exposure must not exceed 2.0.
    @Test("systemd-analyze security: exposure of tally@1.service at most 2.0")
    func securityExposure() throws {
        let dir = try Deploy.makeTempDir("security")
        defer { Deploy.cleanUp(dir) }
        try stageUnits(in: dir, instance: "1")
        let result = try Deploy.run(
            try Deploy.tool("systemd-analyze"),
            [
                "security", "--offline=true", "--man=no", "--threshold=20",
                dir.appendingPathComponent("tally@1.service").path,
            ],
            currentDirectory: dir
        )
        let overall = result.output.split(separator: "\n").first { $0.contains("Overall exposure level") }
        #expect(result.status == 0, "exposure above 2.0 (\(overall ?? "?")):\n\(result.output)")
        #expect(overall != nil, "no overall exposure line:\n\(result.output)")
    }

    /// A deliberately broken copy must make `verify` print something: proves the check above can fail.
    @Test("verify reports an unknown directive")
    func verifyDetectsProblems() throws {
        let dir = try Deploy.makeTempDir("units-bad")
        defer { Deploy.cleanUp(dir) }
        try stageUnits(in: dir)
        let service = dir.appendingPathComponent("tally@.service")
        let original = try String(contentsOf: service, encoding: .utf8)
        let text = original.replacingOccurrences(
            of: "SystemCallFilter=@system-service",
            with: "SystemCallFilter=@system-servic"
        )
        try #require(text != original, "tally@.service no longer has SystemCallFilter=@system-service")
        try text.write(to: service, atomically: true, encoding: .utf8)
        let result = try Deploy.run(try Deploy.tool("systemd-analyze"), ["verify", "--man=no", service.path])
        #expect(result.output.contains("system-servic"), "verify did not report the misspelt group:\n\(result.output)")
    }
}
