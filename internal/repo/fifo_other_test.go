//go:build !unix

package repo

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
