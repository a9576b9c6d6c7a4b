import XCTest
// Placeholder until this test target gets its first real test; delete then.
