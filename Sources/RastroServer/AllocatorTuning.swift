import CMalloc

/// The C allocator's settings for a serving process (glibc; elsewhere nothing changes).
///
/// A TAXII page is built in a buffer of about 100 KB that lives for one request. With glibc's
/// defaults a request thread's arena gives the freed space back to the kernel as soon as more
/// than 128 KB lie free at its top, and larger blocks are mapped and unmapped one by one: the next
/// page then faults in and zeroes fresh memory. Measured on 100-object pages at 50 connections:
/// about 2 % of the server's CPU in `munmap` and 1.5 % in zeroing pages, and 3–8 % more requests
/// per second with these settings (with a 256 MB trim threshold; docs/benchmarks.md, federation).
/// What the arenas keep is bounded by the trim threshold, per arena, not by the collection's size.
enum AllocatorTuning {
    /// Blocks below this are carved from the arenas, not mapped one by one.
    static let mmapThreshold: Int32 = 32 << 20
    /// Free space at an arena's top is returned to the kernel only beyond this.
    static let trimThreshold: Int32 = 128 << 20
    /// Extra space an arena asks for when it grows, so that it grows seldom.
    static let topPad: Int32 = 16 << 20

    /// Applies the settings once per process; true when the C library took them.
    static let applied: Bool = rastro_malloc_tune(mmapThreshold, trimThreshold, topPad) == 1
}
