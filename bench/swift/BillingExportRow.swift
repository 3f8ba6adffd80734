/// One generated export row and how it is written: as the export's JSON (nested records, repeated records as
/// arrays, timestamps as `2025-10-05 13:00:00 UTC`, numbers as JSON numbers) and as a flat CSV line.
struct ExportRow {
    struct Credit {
        var kind: Int  // index into Catalog.credits
        var micros: Int64
    }

    var billingAccount = ""
    var invoiceMonth = 0
    var costType = "regular"
    var service = Catalog.support
    var sku = Catalog.support.skus[0]
    var usageStart = 0
    var usageEnd = 0
    var exportTime = 0
    var project: Catalog.Project?
    var region: String?
    var zone: Int?
    var costMicros: Int64 = 0
    var listMicros: Int64?
    var usageAmount = 0.0
    var usageInPricingUnits = 0.0
    var credits: [Credit] = []
    var labels: [(Int, Int)] = []  // (key index, value index)
    var machineSpec: Int?
    var resource: Int?
    var tag: Int?
    var adjustment: String?

    var creditMicros: Int64 { credits.reduce(0) { $0 + $1.micros } }

    func json(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"billing_account_id":"#.utf8)
        out.quoted(billingAccount)
        out.append(contentsOf: #","invoice":{"month":""#.utf8)
        out.append(contentsOf: String(invoiceMonth).utf8)
        out.append(contentsOf: #"","publisher_type":"Google"},"cost_type":"#.utf8)
        out.quoted(costType)
        out.append(contentsOf: #","service":{"id":"#.utf8)
        out.quoted(service.id)
        out.append(contentsOf: #","description":"#.utf8)
        out.quoted(service.name)
        out.append(contentsOf: #"},"sku":{"id":"#.utf8)
        out.quoted(sku.id)
        out.append(contentsOf: #","description":"#.utf8)
        out.quoted(sku.description)
        out.append(contentsOf: #"},"usage_start_time":""#.utf8)
        out.timestamp(usageStart)
        out.append(contentsOf: #"","usage_end_time":""#.utf8)
        out.timestamp(usageEnd)
        out.append(contentsOf: #"","project":"#.utf8)
        if let project {
            out.append(contentsOf: #"{"id":"#.utf8)
            out.quoted(project.id)
            out.append(contentsOf: #","number":"#.utf8)
            out.quoted(project.number)
            out.append(contentsOf: #","name":"#.utf8)
            out.quoted(project.name)
            out.append(contentsOf: #","labels":["#.utf8)
            for (index, label) in project.labels.enumerated() {
                if index > 0 { out.append(0x2C) }
                out.keyValue(label.0, label.1)
            }
            out.append(contentsOf: #"],"ancestry_numbers":"#.utf8)
            out.quoted("/\(Catalog.organization)/\(project.folder)/\(project.number)/")
            out.append(contentsOf: #","ancestors":[{"resource_name":"projects/"#.utf8)
            out.append(contentsOf: project.number.utf8)
            out.append(contentsOf: #"","display_name":"#.utf8)
            out.quoted(project.name)
            out.append(contentsOf: #"},{"resource_name":"organizations/"#.utf8)
            out.append(contentsOf: String(Catalog.organization).utf8)
            out.append(contentsOf: #"","display_name":"acme.example"}]}"#.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","labels":["#.utf8)
        for (index, label) in labels.enumerated() {
            if index > 0 { out.append(0x2C) }
            out.keyValue(Catalog.labelKeys[label.0], Catalog.labelValues[label.0][label.1])
        }
        out.append(contentsOf: #"],"system_labels":["#.utf8)
        if let machineSpec {
            out.keyValue("compute.googleapis.com/machine_spec", Catalog.machineSpecs[machineSpec])
            out.append(0x2C)
            out.keyValue("compute.googleapis.com/cores", String(Catalog.machineCores[machineSpec]))
        }
        out.append(contentsOf: #"],"location":"#.utf8)
        if let region {
            let place = zone.map { "\(region)-\(["a", "b", "c"][$0])" } ?? region
            out.append(contentsOf: #"{"location":"#.utf8)
            out.quoted(place)
            out.append(contentsOf: #","country":"#.utf8)
            out.quoted(region.hasPrefix("us") ? "US" : region.hasPrefix("europe") ? "EU" : "JP")
            out.append(contentsOf: #","region":"#.utf8)
            out.quoted(region)
            out.append(contentsOf: #","zone":"#.utf8)
            if zone != nil { out.quoted(place) } else { out.append(contentsOf: "null".utf8) }
            out.append(0x7D)
        } else {
            out.append(contentsOf: #"{"location":null,"country":null,"region":null,"zone":null}"#.utf8)
        }
        out.append(contentsOf: #","tags":["#.utf8)
        if let tag {
            out.append(contentsOf: #"{"key":"cost-center","value":"cc-"#.utf8)
            out.append(contentsOf: String(40 + tag).utf8)
            out.append(contentsOf: #"","inherited":true,"namespace":"123456789"}"#.utf8)
        }
        out.append(contentsOf: #"],"export_time":""#.utf8)
        out.timestamp(exportTime)
        out.append(contentsOf: #"","cost":"#.utf8)
        out.micros(costMicros)
        out.append(contentsOf: #","currency":"USD","currency_conversion_rate":1.0,"usage":{"amount":"#.utf8)
        out.append(contentsOf: usageAmount.description.utf8)
        out.append(contentsOf: #","unit":"#.utf8)
        out.quoted(sku.unit)
        out.append(contentsOf: #","amount_in_pricing_units":"#.utf8)
        out.append(contentsOf: usageInPricingUnits.description.utf8)
        out.append(contentsOf: #","pricing_unit":"#.utf8)
        out.quoted(sku.pricingUnit)
        out.append(contentsOf: #"},"credits":["#.utf8)
        for (index, credit) in credits.enumerated() {
            let kind = Catalog.credits[credit.kind]
            if index > 0 { out.append(0x2C) }
            out.append(contentsOf: #"{"name":"#.utf8)
            out.quoted(kind.name)
            out.append(contentsOf: #","amount":"#.utf8)
            out.micros(credit.micros)
            out.append(contentsOf: #","full_name":"#.utf8)
            out.quoted(kind.fullName)
            out.append(contentsOf: #","id":"#.utf8)
            out.quoted(kind.id)
            out.append(contentsOf: #","type":"#.utf8)
            out.quoted(kind.type)
            out.append(0x7D)
        }
        out.append(contentsOf: #"],"adjustment_info":"#.utf8)
        if let adjustment {
            out.append(contentsOf: #"{"id":"ADJ-"#.utf8)
            out.append(contentsOf: String(usageStart % 9973).utf8)
            out.append(contentsOf: #"","description":"Billing correction","mode":"MANUAL_ADJUSTMENT","type":"#.utf8)
            out.quoted(adjustment)
            out.append(0x7D)
        } else {
            out.append(contentsOf: "null".utf8)
        }
        out.append(contentsOf: #","cost_at_list":"#.utf8)
        if let listMicros { out.micros(listMicros) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","transaction_type":"GOOGLE","seller_name":null"#.utf8)
        if let resource {
            out.append(contentsOf: #","resource":{"name":"vm-"#.utf8)
            out.append(contentsOf: String(resource).utf8)
            out.append(contentsOf: #"","global_name":"//compute.googleapis.com/projects/"#.utf8)
            out.append(contentsOf: (project?.id ?? "none").utf8)
            out.append(contentsOf: "/instances/".utf8)
            out.append(contentsOf: String(resource).utf8)
            out.append(contentsOf: #""}"#.utf8)
        }
        out.append(0x7D)
    }

    /// The flat columns of `BillingExportGenerator.csvHeader`.
    func csv(into out: inout [UInt8]) {
        out.append(contentsOf: billingAccount.utf8)
        out.append(0x2C)
        out.append(contentsOf: String(invoiceMonth).utf8)
        out.append(0x2C)
        out.append(contentsOf: costType.utf8)
        out.append(0x2C)
        out.append(contentsOf: service.id.utf8)
        out.append(0x2C)
        out.append(contentsOf: service.name.utf8)
        out.append(0x2C)
        out.append(contentsOf: sku.id.utf8)
        out.append(0x2C)
        out.append(contentsOf: sku.description.utf8)  // catalog text has no comma or quote
        out.append(0x2C)
        out.timestamp(usageStart)
        out.append(0x2C)
        out.timestamp(usageEnd)
        out.append(0x2C)
        out.append(contentsOf: (project?.id ?? "").utf8)
        out.append(0x2C)
        out.append(contentsOf: (region ?? "").utf8)
        out.append(0x2C)
        out.timestamp(exportTime)
        out.append(0x2C)
        out.micros(costMicros)
        out.append(contentsOf: ",USD,".utf8)
        out.append(contentsOf: usageAmount.description.utf8)
        out.append(0x2C)
        out.append(contentsOf: sku.unit.utf8)
        out.append(0x2C)
        out.append(contentsOf: usageInPricingUnits.description.utf8)
        out.append(0x2C)
        out.append(contentsOf: sku.pricingUnit.utf8)
        out.append(0x2C)
        out.micros(creditMicros)
        out.append(0x2C)
        if let listMicros { out.micros(listMicros) }
    }
}

extension [UInt8] {
    /// A JSON string (the catalog's text needs no escapes but quotes and backslashes are handled anyway).
    mutating func quoted(_ text: String) {
        append(0x22)
        for byte in text.utf8 {
            if byte == 0x22 || byte == 0x5C { append(0x5C) }
            append(byte)
        }
        append(0x22)
    }

    mutating func keyValue(_ key: String, _ value: String) {
        append(contentsOf: #"{"key":"#.utf8)
        quoted(key)
        append(contentsOf: #","value":"#.utf8)
        quoted(value)
        append(0x7D)
    }

    /// Whole micros as a decimal with 6 places (`-0.012500`).
    mutating func micros(_ value: Int64) {
        if value < 0 { append(0x2D) }
        let magnitude = value.magnitude
        append(contentsOf: String(magnitude / 1_000_000).utf8)
        append(0x2E)
        var fraction = magnitude % 1_000_000
        var digits = [UInt8](repeating: 0x30, count: 6)
        for index in stride(from: 5, through: 0, by: -1) {
            digits[index] = 0x30 + UInt8(fraction % 10)
            fraction /= 10
        }
        append(contentsOf: digits)
    }

    /// `2025-10-05 13:00:00 UTC` for seconds since the epoch (whole hours here, but any second works).
    mutating func timestamp(_ seconds: Int) {
        let day = seconds / 86_400
        let rest = seconds % 86_400
        append(contentsOf: BillingExportGenerator.dayText(day).utf8)
        append(0x20)
        twoDigits(rest / 3600)
        append(0x3A)
        twoDigits(rest / 60 % 60)
        append(0x3A)
        twoDigits(rest % 60)
        append(contentsOf: " UTC".utf8)
    }

    private mutating func twoDigits(_ value: Int) {
        append(0x30 + UInt8(value / 10))
        append(0x30 + UInt8(value % 10))
    }
}

/// What the generated rows are made of: services and SKUs with plausible units and prices, projects, regions,
/// labels and credit kinds.
enum Catalog {
    struct SKU {
        var id: String
        var description: String
        var unit: String
        var pricingUnit: String
        var unitsPerPricingUnit: Double
        var microsPerPricingUnit: Double
    }

    struct Service {
        var id: String
        var name: String
        var zonal = false
        var committable = false
        var skus: [SKU]
    }

    struct Project {
        var id: String
        var number: String
        var name: String
        var folder: Int
        var labels: [(String, String)]
    }

    struct CreditKind {
        var name: String
        var fullName: String
        var id: String
        var type: String
    }

    static let organization = 900_100_200_300
    static let accounts = ["01A2B3-C4D5E6-F7A8B9", "01A2B3-C4D5E6-F7A8C0"]

    static let tax = Service(
        id: "0000-0000-0000", name: "Taxes",
        skus: [
            SKU(
                id: "0000-0000-0001", description: "Sales tax", unit: "count", pricingUnit: "count",
                unitsPerPricingUnit: 1, microsPerPricingUnit: 0)
        ])
    static let support = Service(
        id: "2062-016F-44A2", name: "Support",
        skus: [
            SKU(
                id: "0B75-6D50-40F5", description: "Standard Support", unit: "count", pricingUnit: "count",
                unitsPerPricingUnit: 1, microsPerPricingUnit: 0)
        ])

    static let services: [Service] = [
        Service(
            id: "6F81-5844-456A", name: "Compute Engine", zonal: true, committable: true,
            skus: [
                sku("2E27-4F75-95CD", "N2 Instance Core running in Americas", "seconds", "hour", 3600, 31_611),
                sku(
                    "2E27-4F75-95CE", "N2 Instance Ram running in Americas", "byte-seconds", "gibibyte hour", 3.9e12,
                    4_237),
                sku("D973-5D65-BAB2", "Storage PD Capacity", "byte-seconds", "gibibyte month", 2.8e15, 40_000),
                sku(
                    "9A4C-11B2-7F3E", "Spot Preemptible N2 Instance Core running in Americas", "seconds", "hour", 3600,
                    7_650),
                sku(
                    "C4E1-7D2A-8B90", "Network Internet Egress from Americas to Americas", "bytes", "gibibyte", 1.07e9,
                    120_000),
            ]),
        Service(
            id: "CCD8-9BF1-090E", name: "Kubernetes Engine", zonal: true, committable: true,
            skus: [
                sku("B561-BFBD-1264", "Autopilot Pod mCPU Requests (us-central1)", "seconds", "hour", 3600, 44_500),
                sku("A1B2-C3D4-E5F6", "Regional Kubernetes Clusters", "seconds", "hour", 3600, 100_000),
            ]),
        Service(
            id: "95FF-2EF5-5EA1", name: "Cloud Storage",
            skus: [
                sku(
                    "E5F0-6A5D-7BAD", "Standard Storage US Multi-region", "byte-seconds", "gibibyte month", 2.8e15,
                    26_000),
                sku("1F3A-5C7E-9B0D", "Class A Operations", "requests", "count", 10_000, 50_000),
            ]),
        Service(
            id: "24E6-581D-38E5", name: "BigQuery", committable: true,
            skus: [
                sku("3362-E469-6BEF", "Analysis", "bytes", "tebibyte", 1.1e12, 6_250_000),
                sku("5E7B-2C4D-8A1F", "Active Logical Storage", "byte-seconds", "gibibyte month", 2.8e15, 20_000),
            ]),
        Service(
            id: "152E-C115-5142", name: "Cloud Run",
            skus: [
                sku("A0A5-8A0B-96E2", "CPU Allocation Time", "vCPU-seconds", "vCPU-second", 1, 24),
                sku("B1C2-D3E4-F5A6", "Memory Allocation Time", "gibibyte-seconds", "gibibyte-second", 1, 3),
            ]),
        Service(
            id: "9662-B51E-5089", name: "Cloud SQL", zonal: true, committable: true,
            skus: [sku("7C1D-9E2F-3A4B", "Cloud SQL for PostgreSQL: Zonal - vCPU", "seconds", "hour", 3600, 41_300)]),
        Service(
            id: "A1E8-BE35-7EBC", name: "Cloud Pub/Sub",
            skus: [sku("8D2E-0F1A-4B5C", "Message Delivery Basic", "bytes", "tebibyte", 1.1e12, 40_000_000)]),
        Service(
            id: "5490-F7B7-8DF6", name: "Cloud Logging",
            skus: [sku("143F-A1B0-E0BE", "Log Volume", "bytes", "gibibyte", 1.07e9, 500_000)]),
        Service(
            id: "58CD-E7C3-72CA", name: "Cloud Monitoring",
            skus: [sku("2B3C-4D5E-6F70", "Metric Volume", "bytes", "mebibyte", 1.05e6, 258_000)]),
        Service(
            id: "E505-1604-58F8", name: "Networking",
            skus: [sku("9DE9-9092-B3BC", "Network Inter Zone Data Transfer Out", "bytes", "gibibyte", 1.07e9, 10_000)]),
        Service(
            id: "C7E2-9256-1C43", name: "Vertex AI",
            skus: [sku("6E7F-8091-A2B3", "Online prediction n1-standard-4", "seconds", "hour", 3600, 219_000)]),
        Service(
            id: "1111-2222-3333", name: "Gemini API",
            skus: [sku("4A5B-6C7D-8E9F", "Input tokens", "count", "count", 1_000_000, 300_000)]),
    ]

    static let regions = [
        "us-central1", "us-east1", "us-east4", "us-west1", "europe-west1", "europe-west4", "asia-northeast1",
    ]

    static let projects: [Project] = (0..<40).map { index in
        let teams = ["platform", "data", "payments", "search", "ml"]
        let envs = ["prod", "staging", "dev"]
        let env = envs[index % 3]
        let team = teams[index % 5]
        return Project(
            id: "acme-\(team)-\(env)-\(index)", number: String(481_516_234_200 + index),
            name: "Acme \(team.capitalized) \(env.capitalized) \(index)", folder: 7000 + index % 5,
            labels: index % 7 == 6 ? [] : [("env", env), ("team", team)])
    }

    static let labelKeys = ["app", "component", "owner", "canary", "cost-center"]
    static let labelValues = [
        ["billing", "api", "etl", "web", "search", "ingest"],
        ["frontend", "backend", "worker", "db"],
        ["alice", "bob", "carol", "dave"],
        [""],
        ["cc-40", "cc-41", "cc-42"],
    ]

    static let machineSpecs = ["n2-standard-4", "n2-standard-8", "e2-medium", "c3-highcpu-22"]
    static let machineCores = [4, 8, 2, 22]

    static let credits = [
        CreditKind(
            name: "Sustained Usage Discount", fullName: "Sustained usage discount", id: "SUD-1",
            type: "SUSTAINED_USAGE_DISCOUNT"),
        CreditKind(
            name: "Committed use discount: CPU", fullName: "Committed use discount: CPU (1 year)",
            id: "commitments/cud-cpu-1y", type: "COMMITTED_USAGE_DISCOUNT"),
        CreditKind(
            name: "Committed use discount - dollar based", fullName: "Spend-based committed use discount",
            id: "commitments/cud-spend-3y", type: "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE"),
        CreditKind(name: "Free tier", fullName: "Free tier", id: "FT-1", type: "FREE_TIER"),
        CreditKind(name: "Promotion", fullName: "Startup program credit", id: "PROMO-7", type: "PROMOTION"),
    ]

    private static func sku(
        _ id: String, _ description: String, _ unit: String, _ pricingUnit: String, _ unitsPerPricingUnit: Double,
        _ microsPerPricingUnit: Double
    ) -> SKU {
        SKU(
            id: id, description: description, unit: unit, pricingUnit: pricingUnit,
            unitsPerPricingUnit: unitsPerPricingUnit, microsPerPricingUnit: microsPerPricingUnit)
    }
}
