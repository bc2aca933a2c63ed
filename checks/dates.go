package checks

import "time"

// generalApplication is the date the Regulation applies from, Article 14 and
// Chapter IV aside (Article 71(2): "This Regulation shall apply from 11
// December 2027").
var generalApplication = time.Date(2027, 12, 11, 0, 0, 0, 0, time.UTC)
