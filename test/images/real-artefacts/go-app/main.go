// A Go binary built from a module with a known advisory: golang.org/x/text v0.3.6 is affected by
// GO-2021-0113 (CVE-2021-38561, out-of-bounds read in language.Parse, fixed in v0.3.7).
package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() {
	t, err := language.Parse("en-US")
	fmt.Println(t, err)
}
