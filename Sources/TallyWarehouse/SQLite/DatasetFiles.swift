import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which file a path named when it was checked: a pooled connection is reused only while its dataset's
/// path still names the file it has open (another process may have deleted and re-created the dataset).
struct FileIdentity: Hashable, Sendable {
    let device: UInt64
    let inode: UInt64
}

/// The warehouse directory: `<dataset>.sqlite` per dataset, next to SQLite's `-wal` and `-shm` files.
///
/// A dataset is initialized in a private scratch file and then published with `link(2)`, which fails when the
/// name exists: of concurrent creators in any process exactly one wins, and nobody sees a half-built dataset.
struct DatasetFiles: Sendable {
    static let suffix = ".sqlite"
    private static let companions = ["-wal", "-shm", "-journal"]
    private static let scratchSuffix = ".creating"
    private static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/".utf8)
    let root: String

    init(root: String) throws(WarehouseError) {
        do {
            try FileManager.default.createDirectory(
                atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io("cannot create warehouse directory \(root)")
        }
        self.root = root
        removeAbandonedScratchFiles()
    }

    func path(of dataset: String) -> String { "\(root)/\(dataset)\(Self.suffix)" }

    /// A `file:` URI with `mode=rw`: attaching never creates a dataset that was deleted meanwhile.
    func uri(ofPath path: String) -> String {
        var uri = "file:"
        for byte in path.utf8 {
            if Self.unreserved.contains(byte) {
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                uri += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return uri + "?mode=rw"
    }

    func identity(of dataset: String) -> FileIdentity? {
        var info = stat()
        guard stat(path(of: dataset), &info) == 0 else { return nil }
        return FileIdentity(
            device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino))
    }

    /// Dataset names, sorted; scratch files and anything else in the directory are skipped.
    func list() throws(WarehouseError) -> [String] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root) } catch {
            throw .io("cannot list \(root)")
        }
        return names.filter { $0.hasSuffix(Self.suffix) }.map { String($0.dropLast(Self.suffix.count)) }
            .filter(Identifier.isValid).sorted()
    }

    /// Removes the dataset's file first (so it stops being found), then SQLite's companion files.
    func remove(_ dataset: String) throws(WarehouseError) {
        let path = path(of: dataset)
        for file in [path] + Self.companions.map({ path + $0 }) where unlink(file) != 0 && errno != ENOENT {
            throw .io("cannot remove dataset \(dataset) (errno \(errno))")
        }
    }

    /// Creates an empty, owner-only file to initialize `dataset` in before publishing it.
    func makeScratchFile(for dataset: String) throws(WarehouseError) -> String {
        let scratch = "\(root)/.\(dataset).\(UUID().uuidString)\(Self.scratchSuffix)"
        let descriptor = open(scratch, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .io("cannot create a file in \(root) (errno \(errno))") }
        close(descriptor)
        return scratch
    }

    /// Publishes an initialized scratch file as `dataset`; false when the dataset already exists.
    /// The scratch file is gone afterwards either way.
    func publish(_ scratch: String, as dataset: String) throws(WarehouseError) -> Bool {
        defer { discard(scratch) }
        if link(scratch, path(of: dataset)) == 0 { return true }
        if errno == EEXIST { return false }
        throw .io("cannot create dataset \(dataset) (errno \(errno))")
    }

    func discard(_ scratch: String) {
        for file in [scratch] + Self.companions.map({ scratch + $0 }) { unlink(file) }
    }

    /// Scratch files of creators that crashed; an hour is far longer than any initialization takes.
    private func removeAbandonedScratchFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(Self.scratchSuffix) {
            let path = "\(root)/\(name)"
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if let modified, modified < Date(timeIntervalSinceNow: -3600) { discard(path) }
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
