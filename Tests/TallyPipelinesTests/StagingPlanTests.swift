import Testing

@testable import TallyPipelines

@Suite struct StagingPlanTests {
    @Test func rewritesWholeReferencesOnly() {
        var plan = StagingPlan(dataset: "acme", runID: "0123456789abcdef")
        plan.markStaged("cost")
        let sql = "SELECT * FROM acme.cost JOIN acme.cost_summary ON 1 JOIN `acme.cost` ON 1 JOIN xacme.cost ON 1"
        #expect(
            plan.rewrite(sql)
                == "SELECT * FROM acme._stg_01234567_cost JOIN acme.cost_summary ON 1 "
                + "JOIN `acme._stg_01234567_cost` ON 1 JOIN xacme.cost ON 1")
    }

    @Test func swapsFollowFirstWriteOrder() throws {
        var plan = StagingPlan(dataset: "acme", runID: "abcdef0123")
        plan.markStaged("b")
        plan.markStaged("a")
        plan.markStaged("b")
        #expect(try plan.swaps().map(\.destination.table) == ["b", "a"])
        #expect(try plan.swaps().map(\.staging.table) == ["_stg_abcdef01_b", "_stg_abcdef01_a"])
    }
}
