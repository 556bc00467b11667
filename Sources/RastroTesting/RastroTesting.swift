// Test support for Rastro.
