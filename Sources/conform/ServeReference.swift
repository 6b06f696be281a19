import Foundation
import MessageStore
import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

/// `conform --serve-reference [--storage-fault-file PATH] <reference-server options>`: the reference
/// server for the self-check. With `--storage-fault-file`, every message submitted while PATH exists
/// fails as on a full disk (`FaultInjectingStore`), so the self-check's `--storage-fault-command`
/// (`touch PATH`) and `--storage-recover-command` (`rm -f PATH`) can run the SEND-6 scenario.
func serveReference(_ arguments: [String]) -> Never {
    var arguments = arguments
    var faultFile: String?
    if let index = arguments.firstIndex(of: "--storage-fault-file"), index + 1 < arguments.count {
        faultFile = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
    }
    ServerMain.run(arguments: arguments) { configuration in
        guard let faultFile else { return }
        configuration.hooks.makeStore = { path, storeConfiguration throws(StorageError) in
            FaultInjectingStore(
                base: try MessageStore(path: path, configuration: storeConfiguration), configuration: storeConfiguration,
                isFaulted: { access(faultFile, F_OK) == 0 })
        }
    }
}
