import Foundation
import TallyWarehouse

/// Maps GCP billing export rows to FOCUS 1.2 `focus_costs` rows (reference: cost-sources.md, GCP → FOCUS).
///
/// Pure: no I/O, so every rule is unit-tested on records. Credits are netted into their row (BilledCost =
/// cost + the credits' amounts, which are negative); the billing period is the invoice month in
/// America/Los_Angeles as UTC instants; the sub-account is the project; labels, project labels, system labels
/// and resource tags become one `Tags` object. Rows whose mandatory FOCUS values cannot be derived fail with an
/// error naming the field, so a run never publishes a partial mapping.
struct GCPFocusMapper {
    /// Written to `x_SourceEndpoint`: where the rows came from (`billing_export_file`, `billing_export_table`).
    var endpoint: String
    /// The credential's `billing_account_name` setting (the export has only the id).
    var billingAccountName: String?
    private var months: PacificMonths
    /// Usage days' text by ordinal: a run's window spans a few dozen days, each on many rows.
    private var dayTexts: [Int: WarehouseValue] = [:]

    init(endpoint: String, billingAccountName: String?) throws {
        self.endpoint = endpoint
        self.billingAccountName = billingAccountName
        months = try PacificMonths()
    }

    /// The usage day a record belongs to (UTC day of `usage_start_time`), which runs window on.
    static func usageDay(_ record: GCPExportRecord) throws(SourceError) -> UTCDay {
        guard let start = record.usageStart else { throw SourceError("usage_start_time is missing") }
        return UTCDay(containing: start)
    }

    /// The FOCUS row of `record`, whose usage day is `day`; `rowID` identifies it within the source.
    mutating func map(_ record: GCPExportRecord, day: UTCDay, rowID: String) throws(SourceError) -> FocusRow {
        var batch = RowBatch(columns: FocusColumn.names, capacity: 1)
        try map(record, day: day, rowID: rowID, into: &batch)
        return FocusRow(batch: batch)
    }

    /// Appends the FOCUS row of `record` to `row`'s batch, filled in place. Every check that can fail comes
    /// first, so a failing record appends nothing.
    mutating func map(
        _ record: GCPExportRecord, day: UTCDay, rowID: String, into row: inout RowBatch
    ) throws(SourceError) {
        guard let start = record.usageStart, let end = record.usageEnd else {
            throw SourceError("usage_start_time and usage_end_time are required")
        }
        guard let cost = record.cost else { throw SourceError("cost is missing") }
        guard let account = record.billingAccountID else { throw SourceError("billing_account_id is missing") }
        // Upper-cased, not validated here: the template's billing_currency_iso check reports bad codes.
        guard let currency = record.currency.map({ $0 == "USD" ? $0 : $0.uppercased() }) else {
            throw SourceError("currency is missing")
        }
        guard let category = GCPCatalog.chargeCategory(costType: record.costType) else {
            throw SourceError("cost_type is not regular, tax, adjustment or rounding error")
        }
        let usageMonth = String(months.month(of: start))
        guard let period = months.period(invoiceMonth: record.invoiceMonth ?? usageMonth) else {
            throw SourceError("invoice.month is not YYYYMM")
        }
        let credits = record.creditTotal
        let billed = cost + credits
        let list = record.costAtList ?? cost
        let isTax = category == "Tax"
        let chargeClass: String? =
            if category == "Adjustment", record.hasAdjustmentInfo, let invoice = record.invoiceMonth,
                usageMonth < invoice
            {
                "Correction"
            } else {
                nil
            }
        let pricingQuantity = isTax ? nil : record.usageAmountInPricingUnits
        let pricingUnit = Self.unit(record.usagePricingUnit)
        let usdRate = record.currencyConversionRate.flatMap { $0 == 0 ? nil : $0 } ?? (currency == "USD" ? 1 : nil)
        let unitPrices = !isTax && chargeClass == nil

        row.appendRow()
        row[.availabilityZone] = Self.text(record.zone)
        row[.billedCost] = .double(billed)
        row[.billingAccountId] = .string(account)
        row[.billingAccountName] = Self.text(billingAccountName)
        row[.billingAccountType] = .string("Billing Account")
        row[.billingCurrency] = .string(currency)
        row[.billingPeriodEnd] = .timestamp(period.end)
        row[.billingPeriodStart] = .timestamp(period.start)
        row[.chargeCategory] = .string(category)
        row[.chargeClass] = Self.text(chargeClass)
        row[.chargeDescription] = Self.text(record.skuDescription)
        row[.chargeFrequency] = .string(
            category == "Adjustment"
                ? "One-Time" : Self.hasPrefix(record.skuDescription, "commitment") ? "Recurring" : "Usage-Based")
        row[.chargePeriodEnd] = .timestamp(end)
        row[.chargePeriodStart] = .timestamp(start)
        mapCommitment(
            record, into: &row, category: category, currency: currency, pricingQuantity: pricingQuantity,
            pricingUnit: pricingUnit)
        if category == "Usage" {
            row[.consumedQuantity] = Self.number(record.usageAmount)
            if record.usageAmount != nil { row[.consumedUnit] = Self.text(Self.unit(record.usageUnit)) }
        }
        row[.contractedCost] = .double(cost)
        row[.effectiveCost] = .double(billed)
        row[.invoiceIssuerName] = .string("Google Cloud")
        row[.listCost] = .double(list)
        if unitPrices {
            row[.contractedUnitPrice] = Self.number(Self.unitPrice(cost, pricingQuantity))
            row[.listUnitPrice] = Self.number(Self.unitPrice(list, pricingQuantity))
            row[.pricingCurrencyContractedUnitPrice] = Self.number(Self.unitPrice(cost, pricingQuantity, rate: usdRate))
            row[.pricingCurrencyListUnitPrice] = Self.number(Self.unitPrice(list, pricingQuantity, rate: usdRate))
        }
        row[.pricingCategory] = Self.text(Self.pricingCategory(record, category: category, committed: row))
        row[.pricingCurrency] = .string("USD")
        row[.pricingCurrencyEffectiveCost] = Self.number(usdRate.map { billed / $0 })
        row[.pricingQuantity] = Self.number(pricingQuantity)
        if pricingQuantity != nil { row[.pricingUnit] = Self.text(pricingUnit) }
        row[.providerName] = .string("Google Cloud")
        row[.publisherName] = .string(
            record.transactionType == nil || record.transactionType == "GOOGLE"
                ? "Google Cloud" : record.sellerName ?? "Google Cloud")
        mapLocationAndResource(record, into: &row)
        mapServiceAndSku(record, into: &row, isTax: isTax)
        if let project = record.projectID {
            row[.subAccountId] = .string(project)
            row[.subAccountName] = .string(record.projectName ?? project)
            row[.subAccountType] = .string("Project")
        }
        if GCPTags.hasTags(record) {
            row.setText(column: FocusColumn.tags.rawValue, json: true) { GCPTags.write(record, into: &$0) }
        }
        row[.serviceProviderName] = .string("Google Cloud")
        row[.hostProviderName] = .string("Google Cloud")
        row[.xSource] = .string("gcp")
        row[.xSourceRowID] = .string(rowID)
        row[.xUsageDate] = dayText(day)
        row[.xCostType] = Self.text(record.costType)
        row[.xServiceId] = Self.text(record.serviceID)
        row.setText(column: FocusColumn.xCredits.rawValue, json: true) {
            GCPTags.writeCredits(record.credits, into: &$0)
        }
        row[.xCreditTotal] = .double(credits)
        row[.xExportTime] = record.exportTime.map(WarehouseValue.timestamp) ?? .null
        row[.xInvoiceMonth] = Self.text(record.invoiceMonth)
        row[.xProjectNumber] = Self.text(record.projectNumber)
        row[.xCurrencyConversionRate] = Self.number(record.currencyConversionRate)
        row[.xSourceEndpoint] = .string(endpoint)
    }

    private mutating func dayText(_ day: UTCDay) -> WarehouseValue {
        if let text = dayTexts[day.ordinal] { return text }
        if dayTexts.count >= 4096 { dayTexts.removeAll() }
        let text = WarehouseValue.date(day.description)
        dayTexts[day.ordinal] = text
        return text
    }

    /// Commitment discounts: the first credit of a commitment type, its id from the subscription when known.
    private func mapCommitment(
        _ record: GCPExportRecord, into row: inout RowBatch, category: String, currency: String,
        pricingQuantity: Double?, pricingUnit: String?
    ) {
        guard let credit = record.credits.first(where: { GCPCatalog.commitmentCreditTypes.contains($0.type ?? "") })
        else { return }
        let usageBased = credit.type == "COMMITTED_USAGE_DISCOUNT"
        row[.commitmentDiscountCategory] = .string(usageBased ? "Usage" : "Spend")
        guard let id = record.subscriptionInstanceID ?? credit.id else { return }
        row[.commitmentDiscountId] = .string(id)
        row[.commitmentDiscountName] = Self.text(credit.fullName)
        row[.commitmentDiscountType] = Self.text(credit.type)
        guard category == "Usage" else { return }
        row[.commitmentDiscountQuantity] = Self.number(usageBased ? pricingQuantity : credit.amount.map { -$0 })
        row[.commitmentDiscountUnit] = Self.text(usageBased ? pricingUnit : currency)
        row[.commitmentDiscountStatus] = .string("Used")
    }

    private func mapLocationAndResource(_ record: GCPExportRecord, into row: inout RowBatch) {
        if let region = record.region ?? record.location {
            row[.regionId] = .string(region)
            row[.regionName] = .string(GCPCatalog.regions[region] ?? region)
        }
        if let global = record.resourceGlobalName {
            row[.resourceId] = .string(global)
            row[.resourceName] = Self.text(record.resourceName)
        }
    }

    private func mapServiceAndSku(_ record: GCPExportRecord, into row: inout RowBatch, isTax: Bool) {
        let service = record.serviceDescription.flatMap { GCPCatalog.services[$0] }
        row[.serviceCategory] = .string(service?.category ?? "Other")
        row[.serviceName] = Self.text(record.serviceDescription ?? record.serviceID)
        row[.serviceSubcategory] = .string(service?.subcategory ?? "Other (Other)")
        guard !isTax, let sku = record.skuID else { return }
        row[.skuId] = .string(sku)
        row[.skuMeter] = Self.text(record.skuDescription)
        row[.skuPriceId] = .string(record.priceTierStart.map { "\(sku):\($0)" } ?? sku)
    }

    /// Standard, Committed (a commitment credit applies) or Dynamic (spot and preemptible SKUs); usage only.
    private static func pricingCategory(_ record: GCPExportRecord, category: String, committed row: RowBatch) -> String?
    {
        guard category == "Usage" else { return nil }
        if !row.lastRowIsNull(column: FocusColumn.commitmentDiscountId.rawValue) { return "Committed" }
        let sku = record.skuDescription ?? ""
        if contains(sku, "spot") || contains(sku, "preemptible") { return "Dynamic" }
        return "Standard"
    }

    /// Price per pricing unit; zero for a free zero-quantity row; nil when the quantity is missing or negative.
    private static func unitPrice(_ amount: Double, _ quantity: Double?, rate: Double? = 1) -> Double? {
        guard let quantity, let rate else { return quantity == 0 && amount == 0 ? 0 : nil }
        if quantity > 0 { return amount / quantity / rate }
        return quantity == 0 && amount == 0 ? 0 : nil
    }

    private static func unit(_ raw: String?) -> String? {
        guard let raw else { return nil }
        return GCPCatalog.units[raw] ?? GCPCatalog.units[raw.lowercased()] ?? raw
    }

    private static func text(_ value: String?) -> WarehouseValue {
        value.map(WarehouseValue.string) ?? .null
    }

    private static func number(_ value: Double?) -> WarehouseValue {
        value.map(WarehouseValue.double) ?? .null
    }

    /// ASCII case-insensitive prefix test (SQL `LIKE 'x%'` semantics), without lower-casing the whole text.
    private static func hasPrefix(_ text: String?, _ prefix: String) -> Bool {
        guard let text else { return false }
        return text.utf8.count >= prefix.utf8.count
            && zip(text.utf8, prefix.utf8).allSatisfy { $0 | 0x20 == $1 || $0 == $1 }
    }

    /// ASCII case-insensitive substring test; `needle` is lower case.
    private static func contains(_ text: String, _ needle: StaticString) -> Bool {
        var text = text
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        return text.withUTF8 { haystack in
            guard haystack.count >= pattern.count else { return false }
            for start in 0...(haystack.count - pattern.count) {
                var match = true
                for offset in 0..<pattern.count where haystack[start + offset] | 0x20 != pattern[offset] {
                    match = false
                    break
                }
                if match { return true }
            }
            return false
        }
    }
}
