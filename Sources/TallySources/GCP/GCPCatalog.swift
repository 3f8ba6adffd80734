/// What the FOCUS mapping knows about GCP names: service categories, unit spellings and region names.
///
/// The export describes services and units in Google's words; FOCUS wants its own service categories and
/// units. Services and regions not listed map to `Other` and to their id, so a new GCP service never fails a
/// run, it only lands uncategorized.
enum GCPCatalog {
    /// Service description → (FOCUS ServiceCategory, ServiceSubcategory).
    static let services: [String: (category: String, subcategory: String)] = [
        "Compute Engine": ("Compute", "Virtual Machines"),
        "Kubernetes Engine": ("Compute", "Containers"),
        "Cloud Run": ("Compute", "Serverless Compute"),
        "Cloud Run Functions": ("Compute", "Serverless Compute"),
        "Cloud Functions": ("Compute", "Serverless Compute"),
        "App Engine": ("Web", "Application Platforms"),
        "Cloud Storage": ("Storage", "Object Storage"),
        "Filestore": ("Storage", "File Storage"),
        "BigQuery": ("Databases", "Data Warehouses"),
        "BigQuery Storage API": ("Databases", "Data Warehouses"),
        "BigQuery Reservation API": ("Databases", "Data Warehouses"),
        "Cloud SQL": ("Databases", "Relational Databases"),
        "Cloud Spanner": ("Databases", "Relational Databases"),
        "AlloyDB": ("Databases", "Relational Databases"),
        "Cloud Bigtable": ("Databases", "NoSQL Databases"),
        "Firestore": ("Databases", "NoSQL Databases"),
        "Cloud Memorystore for Redis": ("Databases", "Caching"),
        "Dataflow": ("Analytics", "Data Processing"),
        "Dataproc": ("Analytics", "Data Processing"),
        "Cloud Pub/Sub": ("Integration", "Messaging"),
        "Networking": ("Networking", "Network Infrastructure"),
        "Cloud DNS": ("Networking", "Network Routing"),
        "Cloud CDN": ("Networking", "Content Delivery"),
        "Cloud Load Balancing": ("Networking", "Application Networking"),
        "Cloud Logging": ("Management and Governance", "Observability"),
        "Cloud Monitoring": ("Management and Governance", "Observability"),
        "Support": ("Management and Governance", "Support"),
        "Secret Manager": ("Security", "Secret Management"),
        "Cloud Key Management Service (KMS)": ("Security", "Secret Management"),
        "Vertex AI": ("AI and Machine Learning", "AI Platforms"),
        "Gemini API": ("AI and Machine Learning", "Generative AI"),
        "Artifact Registry": ("Developer Tools", "Development Environments"),
        "Cloud Build": ("Developer Tools", "Continuous Integration and Deployment"),
    ]

    /// Lower-cased export unit → FOCUS unit (UnitFormat); other units pass through as written.
    static let units: [String: String] = [
        "seconds": "Seconds", "second": "Seconds", "minutes": "Minutes", "minute": "Minutes", "hours": "Hours",
        "hour": "Hours", "days": "Days", "day": "Days", "month": "Months", "bytes": "B", "byte": "B",
        "byte-seconds": "B-Seconds", "gibibyte": "GiB", "gibibytes": "GiB", "tebibyte": "TiB", "tebibytes": "TiB",
        "gibibyte hour": "GiB-Hours", "gibibyte month": "GiB-Months", "gibibyte day": "GiB-Days",
        "tebibyte month": "TiB-Months", "requests": "Requests", "request": "Requests", "count": "Count",
        "vcpu-seconds": "vCPU-Seconds", "vcpu-second": "vCPU-Seconds", "vcpu-hour": "vCPU-Hours",
        "gibibyte-seconds": "GiB-Seconds", "gibibyte-second": "GiB-Seconds",
    ]

    /// Region id → display name.
    static let regions: [String: String] = [
        "us-central1": "Iowa", "us-east1": "South Carolina", "us-east4": "Northern Virginia", "us-west1": "Oregon",
        "us-west2": "Los Angeles", "europe-west1": "Belgium", "europe-west2": "London", "europe-west3": "Frankfurt",
        "europe-west4": "Netherlands", "asia-east1": "Taiwan", "asia-northeast1": "Tokyo",
        "asia-southeast1": "Singapore", "australia-southeast1": "Sydney", "us": "United States",
        "eu": "European Union", "global": "Global",
    ]

    /// Credit types that are commitment discounts (FOCUS CommitmentDiscount* columns).
    static let commitmentCreditTypes: Set<String> = [
        "COMMITTED_USAGE_DISCOUNT", "COMMITTED_USAGE_DISCOUNT_DOLLAR_BASE", "FEE_UTILIZATION_OFFSET",
    ]

    /// FOCUS ChargeCategory of an export `cost_type` (`regular`, `tax`, `adjustment`, `rounding error`).
    static func chargeCategory(costType: String?) -> String? {
        switch costType {  // the export's own spellings first: this runs once per row
        case "regular": return "Usage"
        case "tax": return "Tax"
        case "adjustment": return "Adjustment"
        default: break
        }
        return switch costType?.lowercased().replacingOccurrences(of: " ", with: "_") {
        case "regular": "Usage"
        case "tax": "Tax"
        case "adjustment", "rounding_error": "Adjustment"
        default: nil
        }
    }
}
