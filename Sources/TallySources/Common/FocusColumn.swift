import TallyWarehouse

/// The columns of `focus_costs` (configs/schemas/focus_costs.yml, in its order): FOCUS 1.2, the two 1.3
/// provider columns, then Tally's `x_` columns. Mappings written in Swift fill a `FocusRow` by these cases;
/// positions are the raw values, so setting a column is an array store. A test keeps `names` equal to the
/// schema file.
enum FocusColumn: Int, CaseIterable, Sendable {
    case availabilityZone
    case billedCost
    case billingAccountId
    case billingAccountName
    case billingAccountType
    case billingCurrency
    case billingPeriodEnd
    case billingPeriodStart
    case capacityReservationId
    case capacityReservationStatus
    case chargeCategory
    case chargeClass
    case chargeDescription
    case chargeFrequency
    case chargePeriodEnd
    case chargePeriodStart
    case commitmentDiscountCategory
    case commitmentDiscountId
    case commitmentDiscountName
    case commitmentDiscountQuantity
    case commitmentDiscountStatus
    case commitmentDiscountType
    case commitmentDiscountUnit
    case consumedQuantity
    case consumedUnit
    case contractedCost
    case contractedUnitPrice
    case effectiveCost
    case invoiceId
    case invoiceIssuerName
    case listCost
    case listUnitPrice
    case pricingCategory
    case pricingCurrency
    case pricingCurrencyContractedUnitPrice
    case pricingCurrencyEffectiveCost
    case pricingCurrencyListUnitPrice
    case pricingQuantity
    case pricingUnit
    case providerName
    case publisherName
    case regionId
    case regionName
    case resourceId
    case resourceName
    case resourceType
    case serviceCategory
    case serviceName
    case serviceSubcategory
    case skuId
    case skuMeter
    case skuPriceDetails
    case skuPriceId
    case subAccountId
    case subAccountName
    case subAccountType
    case tags
    case serviceProviderName
    case hostProviderName
    case xSource
    case xSourceRowID
    case xUsageDate
    case xCostType
    case xServiceId
    case xCredits
    case xCreditTotal
    case xExportTime
    case xInvoiceMonth
    case xProjectNumber
    case xCurrencyConversionRate
    case xLineItem
    case xApiKeyId
    case xModel
    case xTokenType
    case xServiceTier
    case xContextWindow
    case xInferenceGeo
    case xSourceEndpoint

    /// The column names in table order, for a `RowBatch`.
    static let names = [
        "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType",
        "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
        "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
        "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
        "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
        "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
        "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
        "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
        "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
        "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
        "SubAccountType", "Tags", "ServiceProviderName", "HostProviderName", "x_source", "x_source_row_id",
        "x_usage_date", "x_CostType", "x_ServiceId", "x_Credits", "x_CreditTotal", "x_ExportTime", "x_InvoiceMonth",
        "x_ProjectNumber", "x_CurrencyConversionRate", "x_LineItem", "x_ApiKeyId", "x_Model", "x_TokenType",
        "x_ServiceTier", "x_ContextWindow", "x_InferenceGeo", "x_SourceEndpoint",
    ]
}

/// One mapped `focus_costs` row, as mapper tests read it.
struct FocusRow {
    let batch: RowBatch

    subscript(column: FocusColumn) -> WarehouseValue {
        batch[batch.count - 1, column.rawValue]
    }
}

extension RowBatch {
    /// The last row's `column`: mappers append a row and fill it in place (`appendRow()`), so a row's values
    /// are written once, into the batch the warehouse inserts.
    subscript(column: FocusColumn) -> WarehouseValue {
        get { self[count - 1, column.rawValue] }
        set { set(newValue, column: column.rawValue) }
    }
}
