import Foundation
import Logging
import Synchronization
import TallyHTTP
import TallyPipelines
import TallyWarehouse
import Testing

@testable import TallyAPI

@Suite struct RunLifecycleTests {
    static let billPath = "/api/v1/pipelines/run/acme/gcp/cost/bill-sample-export-template"
    let identity = try! PipelineIdentity(
        tenantID: "acme", provider: "gcp", domain: "cost", templateName: "bill-sample-export-template")
    let parameters = try! RunParameters(
        body: ["trigger_by": .string("t"), "date": .string("2025-11-15")],
        declared: [ParameterSpec(name: "date", type: .date, required: true)])

    @Test func secondRunWhileOneIsActiveIs409WithTheActiveRunsID() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let pending = try app.services.pipelines.store.createRun(identity, parameters: parameters, instanceID: "other")
        let reply = app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"])
        #expect(reply.status == 409)
        #expect(reply.error == "run_already_active")
        #expect(
            (reply.json["error"] as? [String: Any])?["active_pipeline_logging_id"] as? String
                == pending.pipelineLoggingID)
    }

    @Test func concurrentStartsAcrossInstancesCreateExactlyOneRun() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        // A second warehouse on the same files stands for a second `tally serve` process.
        let other = RunStore(warehouse: try SQLiteWarehouse(root: app.home + "/warehouse"))
        let stores = [app.services.pipelines.store, other]
        let created = Atomic<Int>(0)
        let conflicts = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                _ = try stores[index % 2].createRun(identity, parameters: parameters, instanceID: "i\(index)")
                created.add(1, ordering: .relaxed)
            } catch RunError.alreadyActive {
                conflicts.add(1, ordering: .relaxed)
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
        #expect(created.load(ordering: .relaxed) == 1)
        #expect(conflicts.load(ordering: .relaxed) == 15)
    }

    @Test func cancelPendingRunThenItNeverRuns() throws {
        let app = try TestApp()
        let key = try app.onboard("acme")
        let run = try app.services.pipelines.store.createRun(identity, parameters: parameters, instanceID: "test")
        let reply = app.send("DELETE", "/api/v1/pipelines/runs/\(run.pipelineLoggingID)", apiKey: key)
        #expect(reply.status == 200)
        #expect(reply.json["status"] as? String == "CANCELLED")
        #expect(
            app.send("DELETE", "/api/v1/pipelines/runs/\(run.pipelineLoggingID)", apiKey: key).error
                == "run_not_cancellable")
        // The executor picking it up later must not run it.
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = PipelineRunner(warehouse: app.warehouse, catalog: app.services.pipelines.catalog, logger: logger)
        #expect(runner.execute(runID: run.pipelineLoggingID, identity: identity, parameters: parameters) == .cancelled)
        #expect(try app.warehouse.tableSchema(TableRef(dataset: "acme", table: "gcp_daily_cost_summary")) == nil)
        // The pipeline may run again.
        #expect(
            app.send("POST", Self.billPath, apiKey: key, body: ["trigger_by": "t", "date": "2025-11-15"]).status == 202)
    }

    @Test func cancelDuringARunDiscardsItsOutput() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        let store = app.services.pipelines.store
        let run = try store.createRun(identity, parameters: parameters, instanceID: "test")
        // Cancel as soon as the run's first step has started, as a DELETE from another instance would.
        let watcher = Thread {
            for _ in 0..<2000 {
                if let status = try? store.run(run.pipelineLoggingID, tenantID: "acme")?.status, status == .running {
                    _ = try? store.transition(run.pipelineLoggingID, tenantID: "acme", from: [.running], to: .cancelled)
                    return
                }
                usleep(500)
            }
        }
        watcher.start()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let runner = PipelineRunner(warehouse: app.warehouse, catalog: app.services.pipelines.catalog, logger: logger)
        let status = runner.execute(runID: run.pipelineLoggingID, identity: identity, parameters: parameters)
        if status == .cancelled {
            #expect(try app.warehouse.tableSchema(TableRef(dataset: "acme", table: "gcp_daily_cost_summary")) == nil)
            #expect(try app.warehouse.listTables("acme").allSatisfy { !$0.hasPrefix("_stg_") })
        } else {
            // The run finished before the watcher saw it running; then it must have fully succeeded.
            #expect(status == .success)
        }
    }

    @Test func reaperFailsRunsWhoseInstanceDied() throws {
        let app = try TestApp()
        _ = try app.onboard("acme")
        let store = app.services.pipelines.store
        let stale = try store.createRun(
            identity, parameters: parameters, instanceID: "dead", now: Date().addingTimeInterval(-120))
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let reaper = RunReaper(
            warehouse: app.warehouse, staleAfter: .seconds(60), interval: .seconds(15), logger: logger)
        #expect(reaper.sweep() == 1)
        let run = try #require(try store.run(stale.pipelineLoggingID, tenantID: "acme"))
        #expect(run.status == .failed)
        #expect(run.errorMessage?.contains("heartbeat") == true)
        // A live run (fresh heartbeat) is left alone.
        let live = try store.createRun(identity, parameters: parameters, instanceID: "alive")
        #expect(reaper.sweep() == 0)
        #expect(try store.run(live.pipelineLoggingID, tenantID: "acme")?.status == .pending)
    }

    @Test func routesMatchTheDeclaredList() throws {
        let app = try TestApp()
        let routed = app.router.routeTemplates.map { "\($0.method.rawValue) \($0.path)" }.sorted()
        let declared = TallyApplication.routeTemplates.map { "\($0.method) \($0.path)" }.sorted()
        #expect(routed == declared)
    }
}
