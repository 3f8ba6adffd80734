import Foundation
import Testing

@testable import TallyWarehouse

@Suite struct DatasetTests {
    @Test func createIsIdempotentAndPrivate() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouse()
        #expect(try warehouse.createDataset("acme", labels: [:]))
        #expect(try !warehouse.createDataset("acme", labels: [:]))
        #expect(try warehouse.datasetExists("acme"))
        #expect(try !warehouse.datasetExists("globex"))
        #expect(try warehouse.listDatasets() == ["acme"])
        let file = try FileManager.default.attributesOfItem(atPath: root.path + "/acme.sqlite")
        let directory = try FileManager.default.attributesOfItem(atPath: root.path)
        #expect((file[.posixPermissions] as? Int) == 0o600)
        #expect((directory[.posixPermissions] as? Int) == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    /// Dataset files hold analytic tables, so they are made with 16 KiB pages (the header's bytes 16-17).
    @Test func datasetFilesUseSixteenKiBPages() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(TableRef(dataset: "acme", table: "t"), schema: TableTests.billing)
        let header = try #require(FileManager.default.contents(atPath: root.path + "/acme.sqlite")?.prefix(18))
        #expect(Array(header.suffix(2)) == [0x40, 0x00])
    }

    @Test(arguments: ["main", "TEMP", "1acme", "ac-me", "", "a b"])
    func invalidDatasetNamesAreRefused(_ name: String) throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouse()
        #expect(throws: WarehouseError.invalidName(name)) { try warehouse.createDataset(name, labels: [:]) }
    }

    @Test func concurrentCreatesHaveExactlyOneWinner() throws {
        let root = TemporaryRoot()
        let warehouses = [try root.warehouse(), try root.warehouse()]
        let results = Collector<Bool>()
        concurrently(8) { index in
            let created = (try? warehouses[index % 2].createDataset("acme", labels: ["creator": "\(index)"])) ?? false
            results.append(created)
        }
        #expect(results.all.count == 8)
        #expect(results.all.filter { $0 }.count == 1)
        let labels = try #require(try warehouses[0].datasetLabels("acme"))
        #expect(labels.keys.sorted() == ["creator"])
        #expect(try warehouses[1].listDatasets() == ["acme"])
    }

    @Test func labelsMerge() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouse()
        _ = try warehouse.createDataset("acme", labels: ["tenant": "acme", "plan": "free"])
        #expect(try warehouse.datasetLabels("acme") == ["tenant": "acme", "plan": "free"])
        try warehouse.updateDatasetLabels("acme", ["plan": "pro", "region": "eu"])
        #expect(try warehouse.datasetLabels("acme") == ["tenant": "acme", "plan": "pro", "region": "eu"])
        #expect(try warehouse.datasetLabels("missing") == nil)
        #expect(throws: WarehouseError.datasetNotFound("missing")) {
            try warehouse.updateDatasetLabels("missing", ["a": "b"])
        }
    }

    @Test func deleteRemovesFilesAndForgetsPooledConnections() throws {
        let root = TemporaryRoot()
        let first = try root.warehouseWithDataset()
        let second = try root.warehouse()
        try first.createTable(table("t"), schema: TableSchema(fields: [.init(name: "id", type: .int64)]))
        try first.insertRows([["id": .int(1)]], into: table("t"), options: JobOptions())
        #expect(try second.count("t") == 1)  // `second` now holds a pooled connection on the old file
        #expect(FileManager.default.fileExists(atPath: root.path + "/acme.sqlite-wal"))

        try first.deleteDataset("acme")
        let left = try FileManager.default.contentsOfDirectory(atPath: root.path)
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(try !first.datasetExists("acme"))
        #expect(try first.listDatasets().isEmpty)
        try first.deleteDataset("acme")
        #expect(throws: WarehouseError.datasetNotFound("acme")) { try second.listTables("acme") }

        #expect(try first.createDataset("acme", labels: [:]))
        #expect(try second.listTables("acme").isEmpty)
        #expect(try first.listTables("acme").isEmpty)
    }

    @Test func datasetFilesUseWAL() throws {
        let root = TemporaryRoot()
        let warehouse = try root.warehouseWithDataset()
        try warehouse.createTable(table("t"), schema: TableSchema(fields: [.init(name: "id", type: .int64)]))
        let header = try #require(FileHandle(forReadingAtPath: root.path + "/acme.sqlite")?.readData(ofLength: 20))
        #expect(header.count == 20)
        #expect(Array(header[18...19]) == [2, 2], "file format versions 2/2 mean WAL")
        #expect(FileManager.default.fileExists(atPath: root.path + "/acme.sqlite-wal"))
        let mode = try warehouse.withConnection("acme") { connection throws(WarehouseError) in
            let pragma = try connection.prepare("PRAGMA acme.journal_mode")
            return try pragma.step() ? pragma.value(at: 0, as: nil) : nil
        }
        #expect(mode == .string("wal"))
    }

    @Test func abandonedScratchFilesAreCleanedUp() throws {
        let root = TemporaryRoot()
        _ = try root.warehouse()
        let old = root.path + "/.acme.crashed.creating"
        let fresh = root.path + "/.acme.inflight.creating"
        #expect(FileManager.default.createFile(atPath: old, contents: Data()))
        #expect(FileManager.default.createFile(atPath: fresh, contents: Data()))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old)
        _ = try root.warehouse()
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: fresh))
        #expect(try root.warehouse().listDatasets().isEmpty)
    }
}
