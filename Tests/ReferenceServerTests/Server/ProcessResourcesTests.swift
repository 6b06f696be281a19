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
        // Other tests of this process open and close descriptors meanwhile: a step is right when within a
        // small margin of the 15 opened, and most steps must be (one run saw a step off by 13).
        var rightSteps = 0
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
            if abs((after - before) - 15) <= 10 { rightSteps += 1 }
        }
        #expect(rightSteps >= 90, "\(rightSteps) of 100 steps of 15 descriptors were counted within 10")
        #expect(ProcessResources.openDescriptorCount() >= opened.count)
    }
}
