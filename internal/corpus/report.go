package corpus

import (
	"github.com/gongkai/gongkai/extract/tables"
)

// Report is the truth about one annual report: what a correct extraction of
// any page rendered from it must produce. Corpus reports keep every number
// exactly as the agency published it, inconsistencies included.
type Report struct {
	ID       string        `json:"id"`       // "000".."004" for corpus files, "syn2021-a", ... for synthetic ones
	Title    string        `json:"title"`    // e.g. 新前街道2020年度政府信息公开年度报告
	Agency   string        `json:"agency"`   // publishing body; "" when the text does not name it (004)
	Year     int           `json:"year"`     // the year reported on (not the publishing year); 0 when the text states none
	Template string        `json:"template"` // legacy | 2019 | 2021
	Kind     string        `json:"kind"`     // report | copy
	Meta     Meta          `json:"meta"`     // the portal's metadata block (empty when the capture had none)
	Tables   tables.Tables `json:"tables,omitempty"`

	Intro    string `json:"intro,omitempty"`    // text between the title and 一、总体情况 (preamble paragraphs)
	Overview string `json:"overview,omitempty"` // 一、总体情况
	Problems string `json:"problems,omitempty"` // 五、存在的主要问题及改进情况
	Other    string `json:"other,omitempty"`    // 六、其他需要报告的事项

	Legacy []LegacyFigure `json:"legacy,omitempty"` // figures in sentences, legacy reports only
	Lines  []string       `json:"-"`                // the body as lines: corpus text as captured; generated for synthetic reports

	Synthetic bool     `json:"synthetic,omitempty"` // written for the fixtures, not a real capture
	Host      string   `json:"host,omitempty"`      // a plausible portal host for demo pages, e.g. "www.hy.gov.cn"
	Failing   []string `json:"failing,omitempty"`   // check ids that fail on these numbers as published (requests.total, ...)
}

// Meta is the metadata block portals print above the article; same fields
// and JSON names as extract.Meta. Dates are YYYY-MM-DD.
type Meta struct {
	IndexNo         string `json:"index_no"`         // 索引号
	DocNo           string `json:"doc_no"`           // 文号 / 文件编号
	Publisher       string `json:"publisher"`        // 发布机构
	WrittenDate     string `json:"written_date"`     // 成文日期
	PublishedDate   string `json:"published_date"`   // 发布日期
	DisclosureMode  string `json:"disclosure_mode"`  // 公开方式
	DisclosureScope string `json:"disclosure_scope"` // 公开范围
	Source          string `json:"source"`           // 来源
	Topic           string `json:"topic"`            // 主题分类
}

// LegacyFigure is a figure stated inside a sentence of a legacy report.
type LegacyFigure struct {
	Name     string  `json:"name"` // proactive_total | requests_received | review | litigation
	Value    float64 `json:"value"`
	Sentence string  `json:"sentence"`
}

// Templates and kinds, as in report-format.md.
const (
	TemplateLegacy = "legacy"
	Template2019   = "2019"
	Template2021   = "2021"
	KindReport     = "report"
	KindCopy       = "copy"
)
