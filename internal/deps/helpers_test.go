package deps

// The parsers with default Options, as the tests call them.

func parseCargoToml(name string, data []byte) ([]Dependency, error) {
	return Options{}.ParseCargo(name, data, "", nil)
}

func parseCargo(name string, data []byte, lockName string, lockData []byte) ([]Dependency, error) {
	return Options{}.ParseCargo(name, data, lockName, lockData)
}

func parsePackageLock(name string, data []byte) ([]Dependency, error) {
	return Options{}.parsePackageLock(name, data)
}

// parsePackageLock decodes a package-lock.json and returns its direct
// dependencies, as Find does.
func (o Options) parsePackageLock(name string, data []byte) ([]Dependency, error) {
	lock, err := decodeLock(name, data)
	if err != nil {
		return nil, err
	}
	return o.lockDeps(lock)
}

func parsePackageJSON(name string, data []byte) ([]Dependency, error) {
	return Options{}.ParsePackageJSON(name, data)
}
