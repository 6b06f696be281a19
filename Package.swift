// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way (see README "Architecture"):
//   WireCodecs (pure, no I/O)        NetworkCore (epoll, sockets)      MessageStore (SQLite, PostgreSQL)
//          \_____________________________|_____________________________/
//                  ReferenceServer                ConformanceKit (codecs + core only)
//                         |                       MessengerBench (the load generator; a few of the kit's names)
//                  reference-server (exe)         conform (exe; embeds ReferenceServer for the self-check; `conform bench` fronts MessengerBench)
//                  protocol-test-server (exe; the official Socket.IO suites' test server, no messenger)
let package = Package(
    name: "MessengerProtocol",
    products: [
        .executable(name: "conform", targets: ["conform"]),
        .executable(name: "reference-server", targets: ["reference-server"]),
        .executable(name: "protocol-test-server", targets: ["protocol-test-server"]),
        .library(name: "ConformanceKit", targets: ["ConformanceKit"]),
        .library(name: "MessengerBench", targets: ["MessengerBench"]),
        .library(name: "ReferenceServer", targets: ["ReferenceServer"]),
        .library(name: "WireCodecs", targets: ["WireCodecs"]),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // PostgreSQL's client library (Debian `libpq-dev`), for the clustered store (docs/cluster.md).
        .systemLibrary(name: "CPostgreSQL", path: "Sources/CPostgreSQL", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .target(name: "CLinux", path: "Sources/CLinux"),
        .target(name: "WireCodecs", path: "Sources/WireCodecs"),
        .target(name: "NetworkCore", dependencies: ["CLinux"], path: "Sources/NetworkCore"),
        .target(name: "MessageStore", dependencies: ["CSQLite", "CPostgreSQL"], path: "Sources/MessageStore"),
        // A throwaway PostgreSQL server for tests (initdb in a temporary directory, Unix socket only).
        .target(name: "PostgreSQLTestServer", dependencies: ["CLinux"], path: "Tests/PostgreSQLTestServer"),
        .target(
            name: "ReferenceServer",
            dependencies: ["WireCodecs", "NetworkCore", "MessageStore"],
            path: "Sources/ReferenceServer",
            // Foundation's Double rounding needs libm, which the toolchain does not link by itself here.
            linkerSettings: [.linkedLibrary("m")]
        ),
        .executableTarget(name: "reference-server", dependencies: ["ReferenceServer"], path: "Sources/reference-server"),
        // The server the official Socket.IO protocol suites test: the same Engine.IO and Socket.IO layers, no messenger.
        .executableTarget(
            name: "protocol-test-server", dependencies: ["ReferenceServer", "NetworkCore"], path: "Sources/protocol-test-server"),
        .target(name: "ConformanceKit", dependencies: ["WireCodecs", "NetworkCore", "CLinux"], path: "Sources/ConformanceKit"),
        // The bench (`conform bench`): its own loop, client, ledger, options and report.
        .target(name: "MessengerBench", dependencies: ["ConformanceKit", "WireCodecs", "NetworkCore"], path: "Sources/MessengerBench"),
        .executableTarget(
            name: "conform",
            dependencies: ["ConformanceKit", "MessengerBench", "ReferenceServer"],
            path: "Sources/conform"
        ),
        .testTarget(name: "WireCodecsTests", dependencies: ["WireCodecs"], path: "Tests/WireCodecsTests"),
        .testTarget(name: "NetworkCoreTests", dependencies: ["NetworkCore"], path: "Tests/NetworkCoreTests"),
        .testTarget(name: "MessageStoreTests", dependencies: ["MessageStore", "PostgreSQLTestServer"], path: "Tests/MessageStoreTests"),
        .testTarget(
            name: "ReferenceServerTests",
            dependencies: ["ReferenceServer", "WireCodecs", "NetworkCore", "MessageStore", "PostgreSQLTestServer"],
            path: "Tests/ReferenceServerTests"
        ),
        .testTarget(
            name: "ConformanceKitTests",
            dependencies: ["ConformanceKit", "ReferenceServer", "WireCodecs", "MessageStore", "PostgreSQLTestServer"],
            path: "Tests/ConformanceKitTests"
        ),
        .testTarget(
            name: "MessengerBenchTests",
            dependencies: ["MessengerBench", "ConformanceKit", "ReferenceServer", "MessageStore", "PostgreSQLTestServer"],
            path: "Tests/MessengerBenchTests"
        ),
        // Deliberately broken servers: the reference server with one fault injected through `ServerHooks`.
        .testTarget(
            name: "MutantTests",
            dependencies: ["ConformanceKit", "MessengerBench", "ReferenceServer", "MessageStore", "WireCodecs", "PostgreSQLTestServer"],
            path: "Tests/MutantTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
