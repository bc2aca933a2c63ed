module example.com/acme/lock-firmware

go 1.22

require (
	github.com/tinygo-org/bluetooth v0.10.0
	golang.org/x/crypto v0.31.0
)
