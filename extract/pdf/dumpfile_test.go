package pdf

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestDumpFile(t *testing.T) {
	f := os.Getenv("PDF_FILE")
	if f == "" {
		t.Skip()
	}
	b, _ := os.ReadFile(f)
	doc, err := testEngine(t).Read(context.Background(), b, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PDF_LINES") != "" {
		for _, l := range Lines(doc) {
			fmt.Printf("p%d y%.1f-%.1f:", l.Page, l.Y0, l.Y1)
			for _, r := range l.Runs {
				fmt.Printf(" [%s %.1f-%.1f em%.1f]", r.Text, r.X0, r.X1, r.Em)
			}
			fmt.Println()
		}
		return
	}
	fmt.Print(HTML(doc))
}
