package checks

func (c *run) checkPolicy()      {}
func (c *run) checkSecurityTxt() {}
func (c *run) checkSBOM()        {}
