import Foundation
import TallyWarehouse
import Testing

@testable import TallySources

/// The GCP → FOCUS rules on single records, without a warehouse (the pipeline tests cover them end to end).
@Suite struct GCPFocusMapperTests {
    static let line = #"""
        {"billing_account_id": "01A2-B3", "invoice": {"month": "202511"}, "cost_type": "regular",
         "service": {"id": "6F81", "description": "Compute Engine"}, "sku": {"id": "2E27", "description": "N2 Spot core"},
         "usage_start_time": "2025-11-14 10:00:00 UTC", "usage_end_time": "2025-11-14 11:00:00 UTC",
         "project": {"id": "acme-prod", "number": "4815", "name": "Acme \"Prod\"", "labels": [{"key": "env", "value": "prod"}]},
         "labels": [{"key": "app", "value": "api"}, {"key": "canary", "value": ""}, {"key": "app", "value": "dup"}],
         "system_labels": [], "location": {"location": "us-central1", "region": "us-central1", "zone": "us-central1-a"},
         "tags": [{"key": "cost-center", "value": "42", "namespace": "acme"}], "export_time": "2025-11-14 12:00:00 UTC",
         "cost": 1.5, "currency": "usd", "currency_conversion_rate": 1.0,
         "usage": {"amount": 7200, "unit": "seconds", "amount_in_pricing_units": 2, "pricing_unit": "hour"},
         "credits": [{"name": "CUD", "amount": -0.5, "full_name": "CUD 1y", "id": "CUD-1", "type": "COMMITTED_USAGE_DISCOUNT"},
                     {"name": "Free", "amount": -0.25, "full_name": "Free tier", "id": "FT", "type": "FREE_TIER"}],
         "adjustment_info": null, "cost_at_list": 2.0, "transaction_type": "GOOGLE", "seller_name": null,
         "new_field_google_added": {"nested": [1, 2, {"x": "y"}]},
         "price": {"effective_price": "0.75", "tier_start_amount": "0", "unit": "hour", "pricing_unit_quantity": "1"}}
        """#

    func map(_ text: String = line) throws -> FocusRow {
        let record = try GCPExportRecord(line: Array(text.replacingOccurrences(of: "\n", with: " ").utf8))
        var mapper = try GCPFocusMapper(endpoint: "billing_export_file", billingAccountName: "Acme")
        return try mapper.map(record, day: try GCPFocusMapper.usageDay(record), rowID: "gcp:1:x")
    }

    @Test func usageRowWithCreditsAndCommitment() throws {
        let row = try map()
        #expect(row[.billedCost] == .double(0.75))
        #expect(row[.effectiveCost] == .double(0.75))
        #expect(row[.contractedCost] == .double(1.5) && row[.listCost] == .double(2.0))
        #expect(row[.contractedUnitPrice] == .double(0.75) && row[.listUnitPrice] == .double(1.0))
        #expect(row[.billingCurrency] == .string("USD"))
        #expect(row[.chargeCategory] == .string("Usage") && row[.chargeClass] == .null)
        #expect(row[.pricingCategory] == .string("Committed"))
        #expect(row[.commitmentDiscountId] == .string("CUD-1"))
        #expect(row[.commitmentDiscountCategory] == .string("Usage"))
        #expect(row[.commitmentDiscountQuantity] == .double(2) && row[.commitmentDiscountUnit] == .string("Hours"))
        #expect(row[.pricingUnit] == .string("Hours") && row[.consumedUnit] == .string("Seconds"))
        #expect(row[.regionName] == .string("Iowa") && row[.availabilityZone] == .string("us-central1-a"))
        #expect(row[.serviceCategory] == .string("Compute") && row[.serviceSubcategory] == .string("Virtual Machines"))
        #expect(row[.skuPriceId] == .string("2E27:0"))
        #expect(row[.subAccountName] == .string(#"Acme "Prod""#))
        #expect(row[.billingPeriodStart] == .timestamp(Date(timeIntervalSince1970: 1_761_980_400)))  // 2025-11-01T07Z
        #expect(row[.xUsageDate] == .date("2025-11-14") && row[.xSourceRowID] == .string("gcp:1:x"))
        #expect(row[.xCreditTotal] == .double(-0.75))
        #expect(
            row[.xCredits]
                == .json(
                    #"[{"amount":-0.5,"full_name":"CUD 1y","id":"CUD-1","name":"CUD","type":"COMMITTED_USAGE_DISCOUNT"},"#
                        + #"{"amount":-0.25,"full_name":"Free tier","id":"FT","name":"Free","type":"FREE_TIER"}]"#))
    }

    @Test func tagsMergeLabelSourcesFirstKeyWinsEmptyIsTrue() throws {
        let row = try map()
        #expect(
            row[.tags]
                == .json(#"{"app":"api","canary":true,"project:env":"prod","tag:acme/cost-center":"42"}"#))
    }

    @Test func taxAndCorrectionRows() throws {
        let tax = try map(Self.line.replacingOccurrences(of: #""cost_type": "regular""#, with: #""cost_type": "tax""#))
        #expect(tax[.chargeCategory] == .string("Tax"))
        #expect(tax[.skuId] == .null && tax[.pricingQuantity] == .null && tax[.contractedUnitPrice] == .null)
        #expect(tax[.pricingCategory] == .null && tax[.commitmentDiscountStatus] == .null)
        let correction = try map(
            Self.line.replacingOccurrences(of: #""cost_type": "regular""#, with: #""cost_type": "adjustment""#)
                .replacingOccurrences(of: #""adjustment_info": null"#, with: #""adjustment_info": {"id": "a1"}"#)
                .replacingOccurrences(of: #""month": "202511""#, with: #""month": "202512""#))
        #expect(correction[.chargeCategory] == .string("Adjustment"))
        #expect(correction[.chargeClass] == .string("Correction"))
        #expect(correction[.chargeFrequency] == .string("One-Time"))
    }

    @Test func mandatoryValuesMissingFailNamingTheField() throws {
        let noCost = Self.line.replacingOccurrences(of: #""cost": 1.5,"#, with: "")
        #expect(throws: SourceError("cost is missing")) { try map(noCost) }
        let unknownType = Self.line.replacingOccurrences(of: #""cost_type": "regular""#, with: #""cost_type": "x""#)
        #expect(throws: SourceError("cost_type is not regular, tax, adjustment or rounding error")) {
            try map(unknownType)
        }
        let badCost = Self.line.replacingOccurrences(of: #""cost": 1.5"#, with: #""cost": "4111-1111""#)
        do {
            _ = try map(badCost)
            Issue.record("no error")
        } catch {
            #expect(String(describing: error).contains("cost"))
            #expect(!String(describing: error).contains("4111"))
        }
    }

    @Test func exactAmountsSumWithoutDrift() {
        var sum = ExactAmount()
        for _ in 0..<1_000_000 { sum.add("0.1") }
        sum.add("-0.000001")
        #expect(sum.double == 99_999.999999)
        var mixed = ExactAmount()
        #expect(mixed.add("17.959314") && mixed.add("-0.36") && mixed.add("1e2"))
        #expect(!mixed.add("abc") && !mixed.add(""))
        #expect(mixed.double == 117.599314)
    }
}

/// Row ids of export lines are stable text: `gcp:<line>:<16 hex digits>`.
@Suite struct GCPExportRowIDTextTests {
    @Test func rowIDsSpellTheLineAndTheHash() {
        #expect(GCPExportFile.rowID(line: 501, hash: 0x3365_4782_31eb_cfd5) == "gcp:501:3365478231ebcfd5")
        #expect(GCPExportFile.rowID(line: 0, hash: 0xF) == "gcp:0:000000000000000f")
        #expect(GCPExportFile.rowID(line: 1_234_567_890, hash: .max) == "gcp:1234567890:ffffffffffffffff")
        #expect(GCPExportFile.hex(0xABC) == "0000000000000abc")
    }
}
