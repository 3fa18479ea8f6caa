package auth

import (
	"errors"
	"os"
)

// KeysEnv is the environment variable that holds a key set when no file is given.
const KeysEnv = "NTM_AUTH_KEYS"

// ErrNoKeys says neither a key file nor KeysEnv was given.
var ErrNoKeys = errors.New("no keys: give a key file or set " + KeysEnv)

// LoadKeySet reads the key set from file, or from KeysEnv when file is
// empty; ErrNoKeys when neither is given.
func LoadKeySet(file string) (*KeySet, error) {
	if file == "" {
		env := os.Getenv(KeysEnv)
		if env == "" {
			return nil, ErrNoKeys
		}
		return ParseKeySet([]byte(env))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseKeySet(data)
}
