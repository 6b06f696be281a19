import Foundation
import Testing
@testable import ReferenceServer
#if canImport(Glibc)
import Glibc
#endif

@Suite("ProcessResources")
struct ProcessResourcesTests {
    /// Counting descriptors across the sizes where `/proc/self/fd`'s entries fill glibc's readdir buffer
    /// (about 1,360 names of four digits in 32 KiB): the count must follow every descriptor opened, and
    /// reading an entry must never run past the buffer (a copy of the whole `dirent` did, and crashed).
    @Test("the descriptor count follows descriptors opened, around a full readdir buffer")
    func descriptorCountAcrossBufferSizes() throws {
        let limit = ProcessResources.descriptorLimit()
        try #require(limit >= 4_096, "needs a descriptor limit of 4,096 (have \(limit))")
        var opened: [Int32] = []
        defer { opened.forEach { close($0) } }
        // Other tests of this process open and close descriptors meanwhile: a count is accepted when it is
        // within a small margin, and the step that is checked is the growth between two reads of ours.
        for _ in 0..<100 {
            let before = ProcessResources.openDescriptorCount()
            var pair: [Int32] = [0, 0]
            try #require(pipe(&pair) == 0)
            opened += pair
            for _ in 0..<13 {
                let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                try #require(descriptor >= 0)
                opened.append(descriptor)
            }
            let after = ProcessResources.openDescriptorCount()
            #expect(abs((after - before) - 15) <= 10, "opened 15, the count went from \(before) to \(after)")
        }
        #expect(ProcessResources.openDescriptorCount() >= opened.count)
    }
}
