import CMemoryTuning
import Testing

@Suite struct MemoryTuningTests {
    @Test("on glibc the server's cap on heap arenas takes effect (the C shim sees glibc)")
    func arenaCap() {
        #if os(Linux)
            // A cap at least as high as the one `tidings serve` sets, so this test changes nothing.
            #expect(tidings_limit_malloc_arenas(64) == 1)
        #endif
    }
}
