import Foundation

/// One row of the GCP standard usage cost export, as far as the FOCUS mapping reads it.
///
/// Decoded from a line of the newline-delimited JSON export (`init(line:)`) or from a BigQuery result row of
/// the export table; fields an older export lacks stay nil, fields Google adds later are skipped. Amounts keep
/// their literal text beside the `Double`, so totals for reconciliation are summed exactly.
struct GCPExportRecord: Sendable {
    struct KeyValue: Sendable, Equatable {
        var key: String
        var value: String?
    }

    struct Tag: Sendable, Equatable {
        var key: String
        var value: String?
        var namespace: String?
        var inherited: Bool?
    }

    struct Credit: Sendable, Equatable {
        var name: String?
        var amount: Double?
        /// The amount's literal, for exact sums (`-0.36`).
        var amountText: String?
        var fullName: String?
        var id: String?
        var type: String?
    }

    var billingAccountID: String?
    var invoiceMonth: String?
    var costType: String?
    var serviceID: String?
    var serviceDescription: String?
    var skuID: String?
    var skuDescription: String?
    var usageStart: Date?
    var usageEnd: Date?
    var projectID: String?
    var projectNumber: String?
    var projectName: String?
    var projectLabels: [KeyValue] = []
    var labels: [KeyValue] = []
    var systemLabels: [KeyValue] = []
    var location: String?
    var region: String?
    var zone: String?
    var tags: [Tag] = []
    var exportTime: Date?
    var cost: Double?
    /// `cost`'s literal, for exact sums.
    var costText: String?
    var currency: String?
    var currencyConversionRate: Double?
    var usageAmount: Double?
    var usageUnit: String?
    var usageAmountInPricingUnits: Double?
    var usagePricingUnit: String?
    var credits: [Credit] = []
    /// Whether `adjustment_info` is present (the row corrects an earlier one).
    var hasAdjustmentInfo = false
    var costAtList: Double?
    var transactionType: String?
    var sellerName: String?
    var subscriptionInstanceID: String?
    var resourceName: String?
    var resourceGlobalName: String?
    /// `price.tier_start_amount` as written (a number, or NUMERIC text).
    var priceTierStart: String?

    /// The sum of the credits' amounts (credits are negative).
    var creditTotal: Double {
        credits.reduce(0) { $0 + ($1.amount ?? 0) }
    }
}
