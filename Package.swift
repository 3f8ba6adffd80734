// swift-tools-version:6.1
import PackageDescription

/// The module graph reads top-down: `tally` → `TallyAPI` → domain modules (`TallyTenants`, `TallyPipelines`)
/// → backends (`TallyWarehouse`, `TallyKMS`) → thin C wrappers (`TallyCrypto`, `TallyFastCGI`,
/// `TallyHTTPClient`) → system libraries. `TallyHTTP` is pure and depends on nothing of ours.
let package = Package(
    name: "Tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally", targets: ["tally"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, no logic.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // Thin wrappers: the only Swift code that touches each C library.
        .target(name: "TallyCrypto", dependencies: ["CLibCrypto"]),
        .target(
            name: "TallyFastCGI",
            dependencies: ["CFastCGI", "TallyHTTP", .product(name: "Logging", package: "swift-log")]),
        .target(name: "TallyHTTPClient", dependencies: ["CCurl"]),

        // Pure HTTP model: requests, responses, routing, error rendering.
        .target(name: "TallyHTTP"),

        // Backends behind protocols.
        .target(name: "TallyGoogleAuth", dependencies: ["TallyHTTPClient", "TallyCrypto"]),
        .target(name: "TallyKMS", dependencies: ["TallyCrypto", "TallyHTTPClient", "TallyGoogleAuth"]),
        .target(name: "TallyWarehouse", dependencies: ["CSQLite", "TallyHTTPClient", "TallyGoogleAuth"]),

        // Domain.
        .target(
            name: "TallyTenants",
            dependencies: [
                "TallyWarehouse", "TallyKMS", "TallyCrypto", "TallyHTTP", "TallyPipelines",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "TallyPipelines",
            dependencies: [
                "TallyWarehouse", "TallyHTTP", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "TallySources",
            dependencies: ["TallyPipelines", "TallyWarehouse", "TallyHTTPClient", "TallyHTTP", "TallyGoogleAuth"]
        ),

        // HTTP API: wires routes to the domain.
        .target(
            name: "TallyAPI",
            dependencies: [
                "TallyHTTP", "TallyTenants", "TallyPipelines", "TallyWarehouse", "TallyKMS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyAPI", "TallyFastCGI", "TallyKMS", "TallyWarehouse", "TallyPipelines", "TallyTenants",
                "TallyCrypto", "TallySources", "TallyHTTPClient", "TallyGoogleAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .testTarget(name: "TallyHTTPTests", dependencies: ["TallyHTTP"]),
        .testTarget(name: "TallyCryptoTests", dependencies: ["TallyCrypto"]),
        .testTarget(name: "TallyFastCGITests", dependencies: ["TallyFastCGI", "TallyHTTP"]),
        .testTarget(name: "TallyKMSTests", dependencies: ["TallyKMS"]),
        .testTarget(name: "TallyWarehouseTests", dependencies: ["TallyWarehouse"]),
        .testTarget(name: "TallyTenantsTests", dependencies: ["TallyTenants", "TallyWarehouse", "TallyKMS"]),
        .testTarget(name: "TallyPipelinesTests", dependencies: ["TallyPipelines", "TallyWarehouse"]),
        .testTarget(
            name: "TallyAPITests",
            dependencies: [
                "TallyAPI", "TallyHTTP", "TallyWarehouse", "TallyKMS", "TallyPipelines", "TallyTenants",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["TallyHTTPClient"]),
        .testTarget(name: "DeploymentTests"),
        .testTarget(name: "TallyGoogleAuthTests", dependencies: ["TallyGoogleAuth", "TallyKMS", "TallyHTTPClient"]),
        .testTarget(
            name: "TallyBigQueryTests", dependencies: ["TallyWarehouse", "TallyGoogleAuth", "TallyHTTPClient"]),
        .testTarget(name: "TallyHTTPClientTests", dependencies: ["TallyHTTPClient"]),
        .testTarget(
            name: "TallySourcesTests",
            dependencies: [
                "TallySources", "TallyPipelines", "TallyWarehouse", "TallyHTTPClient", "TallyHTTP", "TallyTenants",
                "TallyKMS", "TallyGoogleAuth", .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// Benchmarks only (bench/README.md): `tally-bench` exists when the manifest is evaluated with TALLY_BENCHMARKS=1,
// e.g. `TALLY_BENCHMARKS=1 swift build -c release --product tally-bench`. Normal builds, `make test` and CI never
// see it. `Context.environment` (rather than ProcessInfo) lets SwiftPM know the manifest depends on the variable.
if Context.environment["TALLY_BENCHMARKS"] == "1" {
    package.products.append(.executable(name: "tally-bench", targets: ["tally-bench"]))
    package.targets.append(
        .executableTarget(
            name: "tally-bench",
            dependencies: [
                "TallyTenants", "TallyCrypto", "TallyHTTPClient", "TallySources", "TallyPipelines", "TallyWarehouse",
                "TallyKMS", "TallyHTTP", .product(name: "Logging", package: "swift-log"),
            ],
            path: "bench/swift")
    )
}
