import Foundation
import TallyWarehouse

/// Decoding an export line: one pass over the bytes with `JSONScanner`, reading only the fields the mapping
/// uses. Errors name the field, never its value (billing data stays out of run errors and logs).
extension GCPExportRecord {
    /// Top-level keys in the order BigQuery writes them, so each lookup is usually one comparison.
    private enum Key: Int, CaseIterable {
        case billingAccountID, invoice, costType, service, sku, usageStartTime, usageEndTime, project, labels
        case systemLabels, location, tags, exportTime, cost, currency, currencyConversionRate, usage, credits
        case adjustmentInfo, costAtList, transactionType, sellerName, subscription, resource, price

        static let names = [
            "billing_account_id", "invoice", "cost_type", "service", "sku", "usage_start_time", "usage_end_time",
            "project", "labels", "system_labels", "location", "tags", "export_time", "cost", "currency",
            "currency_conversion_rate", "usage", "credits", "adjustment_info", "cost_at_list", "transaction_type",
            "seller_name", "subscription", "resource", "price",
        ]
        static let table = JSONKeyTable(names)

        var name: String { Self.names[rawValue] }
    }

    private static let idDescription = JSONKeyTable(["id", "description"])
    private static let invoiceKeys = JSONKeyTable(["month"])
    private static let projectKeys = JSONKeyTable(["id", "number", "name", "labels"])
    private static let keyValueKeys = JSONKeyTable(["key", "value"])
    private static let locationKeys = JSONKeyTable(["location", "region", "zone"])
    private static let tagKeys = JSONKeyTable(["key", "value", "inherited", "namespace"])
    private static let usageKeys = JSONKeyTable(["amount", "unit", "amount_in_pricing_units", "pricing_unit"])
    private static let creditKeys = JSONKeyTable(["name", "amount", "full_name", "id", "type"])
    private static let subscriptionKeys = JSONKeyTable(["instance_id"])
    private static let resourceKeys = JSONKeyTable(["name", "global_name"])
    private static let priceKeys = JSONKeyTable(["tier_start_amount"])

    /// Decodes one line (a JSON object); repeated strings come from `strings` when given.
    init(line: [UInt8], strings: JSONStringTable? = nil) throws(SourceError) {
        var scanner = JSONScanner(bytes: line, strings: strings)
        var field = "record"
        do throws(WarehouseError) {
            guard var cursor = try scanner.enterObject() else { throw .invalidValue("expects an object") }
            var previous = -1
            while let name = try scanner.nextKey(&cursor) {
                guard let index = Key.table.index(of: name, in: scanner, after: previous),
                    let key = Key(rawValue: index)
                else {
                    try scanner.skipValue()
                    continue
                }
                previous = index
                field = key.name
                try read(key, from: &scanner)
            }
            field = "record"
            try scanner.expectEnd()
        } catch {
            throw SourceError("\(field): \(Self.reason(error))")
        }
    }

    private static func reason(_ error: WarehouseError) -> String {
        if case .invalidValue(let message) = error { return message }
        return error.description
    }

    private mutating func read(_ key: Key, from scanner: inout JSONScanner) throws(WarehouseError) {
        switch key {
        case .billingAccountID: billingAccountID = try scanner.readString()
        case .invoice:
            try Self.object(&scanner, Self.invoiceKeys) { (_, scanner) throws(WarehouseError) in
                invoiceMonth = try scanner.readString()
            }
        case .costType: costType = try scanner.readString()
        case .service:
            try Self.object(&scanner, Self.idDescription) { (index, scanner) throws(WarehouseError) in
                if index == 0 {
                    serviceID = try scanner.readString()
                } else {
                    serviceDescription = try scanner.readString()
                }
            }
        case .sku:
            try Self.object(&scanner, Self.idDescription) { (index, scanner) throws(WarehouseError) in
                if index == 0 { skuID = try scanner.readString() } else { skuDescription = try scanner.readString() }
            }
        case .usageStartTime: usageStart = try scanner.readTimestamp()
        case .usageEndTime: usageEnd = try scanner.readTimestamp()
        case .project: try readProject(&scanner)
        case .labels: labels = try Self.keyValues(&scanner)
        case .systemLabels: systemLabels = try Self.keyValues(&scanner)
        case .location:
            try Self.object(&scanner, Self.locationKeys) { (index, scanner) throws(WarehouseError) in
                switch index {
                case 0: location = try scanner.readString()
                case 1: region = try scanner.readString()
                default: zone = try scanner.readString()
                }
            }
        case .tags: tags = try Self.tags(&scanner)
        case .exportTime: exportTime = try scanner.readTimestamp()
        case .cost:
            costText = try scanner.readNumberText().map { String(decoding: scanner.bytes[$0], as: UTF8.self) }
            cost = try costText.map { (text) throws(WarehouseError) in try Self.number(text) }
        case .currency: currency = try scanner.readString()
        case .currencyConversionRate: currencyConversionRate = try scanner.readDouble()
        case .usage:
            try Self.object(&scanner, Self.usageKeys) { (index, scanner) throws(WarehouseError) in
                switch index {
                case 0: usageAmount = try scanner.readDouble()
                case 1: usageUnit = try scanner.readString()
                case 2: usageAmountInPricingUnits = try scanner.readDouble()
                default: usagePricingUnit = try scanner.readString()
                }
            }
        case .credits: credits = try Self.credits(&scanner)
        case .adjustmentInfo:
            hasAdjustmentInfo = try !scanner.consumeNull()
            if hasAdjustmentInfo { try scanner.skipValue() }
        case .costAtList: costAtList = try scanner.readDouble()
        case .transactionType: transactionType = try scanner.readString()
        case .sellerName: sellerName = try scanner.readString()
        case .subscription:
            try Self.object(&scanner, Self.subscriptionKeys) { (_, scanner) throws(WarehouseError) in
                subscriptionInstanceID = try scanner.readString()
            }
        case .resource:
            try Self.object(&scanner, Self.resourceKeys) { (index, scanner) throws(WarehouseError) in
                if index == 0 {
                    resourceName = try scanner.readString()
                } else {
                    resourceGlobalName = try scanner.readString()
                }
            }
        case .price:
            try Self.object(&scanner, Self.priceKeys) { (_, scanner) throws(WarehouseError) in
                priceTierStart = try scanner.readNumberText().map {
                    String(decoding: scanner.bytes[$0], as: UTF8.self)
                }
            }
        }
    }

    private mutating func readProject(_ scanner: inout JSONScanner) throws(WarehouseError) {
        try Self.object(&scanner, Self.projectKeys) { (index, scanner) throws(WarehouseError) in
            switch index {
            case 0: projectID = try scanner.readString()
            case 1: projectNumber = try scanner.readString()
            case 2: projectName = try scanner.readString()
            default: projectLabels = try Self.keyValues(&scanner)
            }
        }
    }

    /// Reads an object (or null), handing each known member to `body` and skipping the others.
    private static func object(
        _ scanner: inout JSONScanner, _ keys: JSONKeyTable,
        _ body: (Int, inout JSONScanner) throws(WarehouseError) -> Void
    ) throws(WarehouseError) {
        guard var cursor = try scanner.enterObject() else { return }
        var previous = -1
        while let name = try scanner.nextKey(&cursor) {
            if let index = keys.index(of: name, in: scanner, after: previous) {
                previous = index
                try body(index, &scanner)
            } else {
                try scanner.skipValue()
            }
        }
    }

    private static func keyValues(_ scanner: inout JSONScanner) throws(WarehouseError) -> [KeyValue] {
        guard var cursor = try scanner.enterArray() else { return [] }
        var pairs: [KeyValue] = []
        while try scanner.nextElement(&cursor) {
            var pair = KeyValue(key: "", value: nil)
            try object(&scanner, keyValueKeys) { (index, scanner) throws(WarehouseError) in
                if index == 0 {
                    pair.key = try scanner.readString() ?? ""
                } else {
                    pair.value = try scanner.readString()
                }
            }
            pairs.append(pair)
        }
        return pairs
    }

    private static func tags(_ scanner: inout JSONScanner) throws(WarehouseError) -> [Tag] {
        guard var cursor = try scanner.enterArray() else { return [] }
        var tags: [Tag] = []
        while try scanner.nextElement(&cursor) {
            var tag = Tag(key: "")
            try object(&scanner, tagKeys) { (index, scanner) throws(WarehouseError) in
                switch index {
                case 0: tag.key = try scanner.readString() ?? ""
                case 1: tag.value = try scanner.readString()
                case 2: tag.inherited = try scanner.readBool()
                default: tag.namespace = try scanner.readString()
                }
            }
            tags.append(tag)
        }
        return tags
    }

    private static func credits(_ scanner: inout JSONScanner) throws(WarehouseError) -> [Credit] {
        guard var cursor = try scanner.enterArray() else { return [] }
        var credits: [Credit] = []
        while try scanner.nextElement(&cursor) {
            var credit = Credit()
            try object(&scanner, creditKeys) { (index, scanner) throws(WarehouseError) in
                switch index {
                case 0: credit.name = try scanner.readString()
                case 1:
                    credit.amountText = try scanner.readNumberText().map {
                        String(decoding: scanner.bytes[$0], as: UTF8.self)
                    }
                    credit.amount = try credit.amountText.map { (text) throws(WarehouseError) in try number(text) }
                case 2: credit.fullName = try scanner.readString()
                case 3: credit.id = try scanner.readString()
                default: credit.type = try scanner.readString()
                }
            }
            credits.append(credit)
        }
        return credits
    }

    private static func number(_ text: String) throws(WarehouseError) -> Double {
        guard let value = JSONScanner.double(Array(text.utf8)[...]) else { throw .invalidValue("expects a number") }
        return value
    }
}

extension GCPExportRecord.Tag {
    init(key: String) {
        self.key = key
    }
}
