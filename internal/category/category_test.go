package category

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cra-gate/cra-gate/internal/realdata"
	"github.com/cra-gate/cra-gate/internal/sbom"
)

// TestTable: the 19 + 4 + 3 categories of Annex III and IV, each with its
// class, point and a title, and vocabulary that compiles.
func TestTable(t *testing.T) {
	counts := map[string]int{}
	for _, c := range All() {
		counts[c.Class()]++
		if c.Title == "" || c.Point == "" || len(c.Vocabulary)+len(c.Names) == 0 {
			t.Errorf("%s is incomplete: %+v", c.ID, c)
		}
	}
	if counts["important-1"] != 19 || counts["important-2"] != 4 || counts["critical"] != 3 || counts["default"] != 0 {
		t.Errorf("categories by class: %v", counts)
	}
	if c, ok := Lookup("annex-iii-i-17"); !ok || !strings.Contains(c.Title, "smart door locks, security cameras") {
		t.Errorf("point 17: %+v", c)
	}
	if ids := IDs(); ids[0] != None || len(ids) != 27 {
		t.Errorf("IDs: %v", ids)
	}
}

// realistic descriptions of products and the category each is in: the
// positives are phrased as manufacturers describe their products; the
// negatives are default products that name the same things as what they use,
// connect to or run on.
var realistic = []struct {
	name, description string
	functions         []string
	want              string // the category id, or "" for none
}{
	// Class I and II, and critical products.
	{"Acme Smart Lock", "Keyless door lock; unlocks by phone app, locally over BLE or remotely through Acme Cloud.", []string{"unlock"}, "annex-iii-i-17"},
	{"BrightCam", "Wi-Fi home security camera with motion alerts and cloud recording.", nil, "annex-iii-i-17"},
	{"Nanny", "A baby monitor that streams video and sound to the parents' phones.", nil, "annex-iii-i-17"},
	{"GuardHome", "Wireless burglar alarm with door sensors and a siren.", nil, "annex-iii-i-17"},
	{"RingRing", "Video doorbell with two-way audio.", nil, "annex-iii-i-17"},
	{"Keeper", "Open-source password manager for teams, with browser extensions.", nil, "annex-iii-i-3"},
	{"TunnelUp", "A WireGuard VPN client for desktop and mobile.", nil, "annex-iii-i-5"},
	{"SecureLink VPN", "Remote access for small offices.", nil, "annex-iii-i-5"},
	{"Sentinel", "Antivirus and anti-malware engine with real-time scanning.", nil, "annex-iii-i-4"},
	{"HomeNet AX3000", "A Wi-Fi router with parental controls and a mesh extender.", nil, "annex-iii-i-12"},
	{"FibreBox", "Fibre modem and gateway for home internet.", nil, "annex-iii-i-12"},
	{"LogSight", "SIEM platform that correlates events from firewalls and servers.", nil, "annex-iii-i-7"},
	{"Gatekeeper", "Identity provider with single sign-on server and multi-factor authentication app.", nil, "annex-iii-i-1"},
	{"FitBand", "Fitness tracker that records heart rate and sleep.", nil, "annex-iii-i-19"},
	{"KidWatch", "A kids smartwatch with GPS location for parents.", nil, "annex-iii-i-19"},
	{"Robo Pal", "An interactive toy robot that talks with children and films them.", nil, "annex-iii-i-18"},
	{"Echo Home", "Smart speaker with a voice assistant for the living room.", nil, "annex-iii-i-16"},
	{"Grub Secure", "UEFI firmware and boot loader for embedded boards.", nil, "annex-iii-i-8"},
	{"Zephyr-based RTOS", "A real-time operating system for microcontrollers.", nil, "annex-iii-i-11"},
	{"Boundary", "Next-generation firewall appliance with intrusion prevention system.", nil, "annex-iii-ii-2"},
	{"MicroVM", "A type 1 hypervisor for edge servers.", nil, "annex-iii-ii-1"},
	{"Crun Plus", "OCI container runtime with seccomp profiles.", nil, "annex-iii-ii-1"},
	{"MeterLink", "Smart meter gateway for electricity metering.", nil, "annex-iv-2"},
	{"VaultBox", "A hardware security module for payment keys.", nil, "annex-iv-1"},
	{"CardOS", "Operating system for smart cards and secure elements.", nil, "annex-iv-3"},
	// Default products: the same words as what they use, connect to, or run on.
	{"Quill Notes", "Offline note-taking application for Windows, macOS and Linux.", []string{"edit-notes", "search"}, ""},
	{"ThermoSmart", "A smart thermostat that connects to your Wi-Fi router and learns your schedule.", nil, ""},
	{"PhotoBox", "Photo editor that runs in any web browser.", nil, ""},
	{"cra-gate", "A CI gate for the EU Cyber Resilience Act: checks cra.toml, SBOMs and the disclosure policy.", nil, ""},
	{"Plantly", "Soil moisture sensor that reports through your home router to the app.", nil, ""},
	{"SyncDrive", "File sync client; works behind a corporate firewall and over VPN.", nil, ""},
	{"LightBulb", "Dimmable smart bulb controlled with a voice assistant or the app.", nil, ""},
	{"Kettle Pro", "Connected kettle compatible with any smart speaker.", nil, ""},
	{"GameHub", "Multiplayer puzzle game for Android and iOS.", nil, ""},
	{"PrintMate", "Printer driver and print queue manager.", nil, ""},
	{"BikeComputer", "Cycling computer that pairs with a fitness tracker over Bluetooth.", nil, ""},
	{"CodeCheck", "Static analysis for Go, Python and JavaScript; uploads SARIF to code scanning.", nil, ""},
	{"InvoiceFlow", "Invoicing SaaS client; signs PDFs with certificates from your PKI.", nil, ""},
	{"WeatherStation", "Outdoor weather station with a Zigbee radio and a display.", nil, ""},
	{"Light Switch Pro", "A smart light switch for the home.", nil, ""},
}

// TestSuggestRealistic measures the vocabulary on realistic descriptions:
// every positive finds its category first, and no default product gets one.
func TestSuggestRealistic(t *testing.T) {
	tp, fp, fn := 0, 0, 0
	for _, r := range realistic {
		got := Suggest(r.name, r.description, r.functions)
		switch {
		case r.want == "" && len(got) > 0:
			fp++
			t.Errorf("%s: a default product, suggested %v", r.name, got)
		case r.want != "" && (len(got) == 0 || got[0].Category.ID != r.want):
			fn++
			t.Errorf("%s: want %s, suggested %v", r.name, r.want, got)
		case r.want != "":
			tp++
		}
	}
	t.Logf("%d of %d categories found, %d false alarms on %d default products", tp, tp+fn, fp, len(realistic)-tp-fn)
}

// TestSuggestOnRealComponentNames measures false alarms on the names real
// SBOMs give their components (libraries, images, firmware parts): as
// product names none of them is in a category but a package literally
// named "router", and one written like a package ("vue-router") never counts.
func TestSuggestOnRealComponentNames(t *testing.T) {
	names := map[string]string{}
	for _, sub := range []string{"sbom", "sbom-corpus", "sbom-embedded"} {
		files, _ := filepath.Glob(filepath.Join(realdata.Dir(t, sub), "*"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := sbom.Parse(data)
			if err != nil || doc == nil {
				continue // not an SBOM the gate reads: INDEX.md, archives, invalid samples
			}
			for _, c := range doc.Components {
				names[c.Name] = filepath.Base(f)
			}
		}
	}
	if len(names) < 5000 {
		t.Fatalf("only %d component names read: the corpus changed", len(names))
	}
	var alarms []string
	for name, file := range names {
		if got := Suggest(name, "", nil); len(got) > 0 {
			alarms = append(alarms, fmt.Sprintf("%s (%s): %s", name, file, got[0]))
			if packageName(name) {
				t.Errorf("%s (%s), a package name, suggested %v", name, file, got)
			}
		}
	}
	if len(alarms) > 1 {
		t.Errorf("%d of %d names suggested a category:\n%s", len(alarms), len(names), strings.Join(alarms, "\n"))
	}
	t.Logf("%d of %d real component names suggest a category: %v", len(alarms), len(names), alarms)
}
