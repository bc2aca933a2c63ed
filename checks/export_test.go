package checks

// Update is the -update flag, for the tests of package checks_test.
var Update = update
