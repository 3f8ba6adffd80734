import Testing

@testable import TallyKMS

@Suite struct AADTests {
    @Test func hasTheDocumentedFormat() {
        let aad = AAD.make(tenantID: "acme_co", table: "secrets", rowID: "3f2a9c1e-0b7d-4e55-9a61-2c8e5d4f7b10")
        #expect(
            String(decoding: aad, as: UTF8.self)
                == "tally/v1|tenant=acme_co|table=secrets|row=3f2a9c1e-0b7d-4e55-9a61-2c8e5d4f7b10")
    }

    @Test func differsPerTenantTableAndRow() {
        let base = AAD.make(tenantID: "acme", table: "secrets", rowID: "01")
        #expect(base != AAD.make(tenantID: "acme2", table: "secrets", rowID: "01"))
        #expect(base != AAD.make(tenantID: "acme", table: "tokens", rowID: "01"))
        #expect(base != AAD.make(tenantID: "acme", table: "secrets", rowID: "02"))
    }

    @Test func escapesSeparatorsInsideValues() {
        let aad = String(decoding: AAD.make(tenantID: "a|b=c%", table: "t", rowID: "r"), as: UTF8.self)
        #expect(aad == "tally/v1|tenant=a%7Cb%3Dc%25|table=t|row=r")
    }

    /// A crafted id must not make two different rows share associated data.
    @Test func isInjectiveOverAdversarialValues() {
        let pieces = ["", "a", "|", "=", "%", "|table=", "|row=x", "%7C", "a|table=b", "|row="]
        var seen: [[UInt8]: String] = [:]
        for tenant in pieces {
            for table in pieces {
                for row in pieces {
                    let label = "\(tenant)/\(table)/\(row)"
                    let aad = AAD.make(tenantID: tenant, table: table, rowID: row)
                    #expect(seen[aad] == nil, "\(label) collides with \(seen[aad] ?? "")")
                    seen[aad] = label
                }
            }
        }
        #expect(seen.count == pieces.count * pieces.count * pieces.count)
    }
}
