#!/usr/bin/env python3
"""Writes testdata/html/*.html: the reports of testdata/golden/*.json laid out
as real portals publish them. Each layout is written out below by hand (the
official 2019 and 2021 tables, row by row, with their spans); the figures are
the golden's raw texts, so every fixture must parse back to its golden cell
for cell. Run from extract/tables: python3 testdata/tools/fixtures.py
"""
import html, json, os

def C(text, rs=1, cs=1):
    return {"t": text, "rs": rs, "cs": cs}

def V(tables, table, row, col):
    return C(tables[table][row][col]["raw"])

REQ_COLS = ["natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total"]
GROUPS = ["review", "suit_direct", "suit_after_review"]
LEAVES = ["upheld", "corrected", "other", "pending", "total"]
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

def proactive_2019(t):
    """Table 二 of the 2019 template, one list of rows per 第二十条 section."""
    v = lambda r, c: V(t, "proactive", r, c)
    return [
        [[C("第二十条第（一）项", cs=4)],
         [C("信息内容"), C("本年新\n制作数量"), C("本年新\n公开数量"), C("对外公开总数量")],
         [C("规章"), v("rules", "made"), v("rules", "published"), v("rules", "total")],
         [C("规范性文件"), v("normative_docs", "made"), v("normative_docs", "published"), v("normative_docs", "total")]],
        [[C("第二十条第（五）项", cs=4)],
         [C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")],
         [C("行政许可")] + [v("licensing", c) for c in ["prev_items", "change", "decisions"]],
         [C("其他对外管理服务事项")] + [v("other_services", c) for c in ["prev_items", "change", "decisions"]]],
        [[C("第二十条第（六）项", cs=4)],
         [C("信息内容"), C("上一年项目数量"), C("本年增/减"), C("处理决定数量")],
         [C("行政处罚")] + [v("penalty", c) for c in ["prev_items", "change", "decisions"]],
         [C("行政强制")] + [v("enforcement", c) for c in ["prev_items", "change", "decisions"]]],
        [[C("第二十条第（八）项", cs=4)],
         [C("信息内容"), C("上一年项目数量"), C("本年增/减", cs=2)],
         [C("行政事业性收费"), v("fees", "prev_items"), dict(v("fees", "change"), cs=2)]],
        [[C("第二十条第（九）项", cs=4)],
         [C("信息内容"), C("采购项目数量"), C("采购总金额", cs=2)],
         [C("政府集中采购"), v("procurement", "projects"), dict(v("procurement", "amount"), cs=2)]],
    ]

def proactive_2021(t):
    v = lambda r, c: V(t, "proactive", r, c)
    return [
        [[C("第二十条第（一）项", cs=4)],
         [C("信息内容"), C("本年制发件数"), C("本年废止件数"), C("现行有效件数")],
         [C("规章"), v("rules", "issued"), v("rules", "repealed"), v("rules", "in_force")],
         [C("行政规范性文件"), v("normative_docs", "issued"), v("normative_docs", "repealed"), v("normative_docs", "in_force")]],
        [[C("第二十条第（五）项", cs=4)],
         [C("信息内容"), C("本年处理决定数量", cs=3)],
         [C("行政许可"), dict(v("licensing", "decisions"), cs=3)]],
        [[C("第二十条第（六）项", cs=4)],
         [C("信息内容"), C("本年处理决定数量", cs=3)],
         [C("行政处罚"), dict(v("penalty", "decisions"), cs=3)],
         [C("行政强制"), dict(v("enforcement", "decisions"), cs=3)]],
        [[C("第二十条第（八）项", cs=4)],
         [C("信息内容"), C("本年收费金额（单位：万元）", cs=3)],
         [C("行政事业性收费"), dict(v("fees", "amount"), cs=3)]],
    ]

def requests(t, template):
    vals = lambda r: [V(t, "requests", r, c) for c in REQ_COLS]
    rows = [
        [C(NOTE, rs=3, cs=3), C("申请人情况", cs=7)],
        [C("自然人", rs=2), C("法人或其他组织", cs=5), C("总计", rs=2)],
        [C("商业企业"), C("科研机构"), C("社会公益组织"), C("法律服务机构"), C("其他")],
        [C("一、本年新收政府信息公开申请数量", cs=3)] + vals("received"),
        [C("二、上年结转政府信息公开申请数量", cs=3)] + vals("carried_in"),
    ]
    body = [
        [C("（一）予以公开", cs=2)] + vals("granted"),
        [C("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", cs=2)] + vals("partial"),
    ]
    groups = [
        ("（三）不予公开", [("1.属于国家秘密", "denied.state_secret"), ("2.其他法律行政法规禁止公开", "denied.prohibited_by_law"),
                     ("3.危及“三安全一稳定”", "denied.three_safeties"), ("4.保护第三方合法权益", "denied.third_party"),
                     ("5.属于三类内部事务信息", "denied.internal_affairs"), ("6.属于四类过程性信息", "denied.process_info"),
                     ("7.属于行政执法案卷", "denied.enforcement_file"), ("8.属于行政查询事项", "denied.query_matter")]),
        ("（四）无法提供", [("1.本机关不掌握相关政府信息", "unable.not_held"), ("2.没有现成信息需要另行制作", "unable.needs_creation"),
                     ("3.补正后申请内容仍不明确", "unable.unclear")]),
        ("（五）不予处理", [("1.信访举报投诉类申请", "rejected.petition"), ("2.重复申请", "rejected.repeat"),
                     ("3.要求提供公开出版物", "rejected.publication"), ("4.无正当理由大量反复申请", "rejected.mass_repeat"),
                     ("5.要求行政机关确认或重新出具已获取信息", "rejected.confirm")]),
    ]
    if template == "2021":
        groups.append(("（六）其他处理", [
            ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction"),
            ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.no_fee"),
            ("3.其他", "other.other")]))
    for g, items in groups:
        for i, (lab, rid) in enumerate(items):
            row = [C(g, rs=len(items))] if i == 0 else []
            body.append(row + [C(lab)] + vals(rid))
    if template == "2019":
        body.append([C("（六）其他处理", cs=2)] + vals("other"))
    body.append([C("（七）总计", cs=2)] + vals("total"))
    body[0] = [C("三、本年度办理结果", rs=len(body))] + body[0]
    rows += body
    rows.append([C("四、结转下年度继续办理", cs=3)] + vals("carried_out"))
    return rows

def review(t):
    return [
        [C("行政复议", cs=5), C("行政诉讼", cs=10)],
        [C(x, rs=2) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]] + [C("未经复议直接起诉", cs=5), C("复议后起诉", cs=5)],
        [C(x) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2],
        [V(t, "review_litigation", g, l) for g in GROUPS for l in LEAVES],
    ]

# ---- renderers -------------------------------------------------------------

def esc(s):
    return html.escape(s, quote=False)

def td_plain(c, nbsp_blank=False):
    attrs = ""
    if c["rs"] > 1: attrs += ' rowspan="%d"' % c["rs"]
    if c["cs"] > 1: attrs += ' colspan="%d"' % c["cs"]
    text = esc(c["t"]).replace("\n", "<br>")
    if text == "" and nbsp_blank:
        text = "&nbsp;"
    return "<td%s>%s</td>" % (attrs, text)

def td_word(c, i):
    attrs = " width=%d valign=top style='width:%.1fpt;border:solid windowtext 1.0pt;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'" % (60 + 7 * c["cs"], 45.0 * c["cs"])
    if c["cs"] > 1: attrs = " colspan=%d" % c["cs"] + attrs
    if c["rs"] > 1: attrs = " rowspan=%d" % c["rs"] + attrs
    parts = [esc(p) for p in c["t"].split("\n")]
    inner = "<br>\n".join("<span style='font-size:10.5pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>%s</span>" % p for p in parts)
    if c["t"] == "":
        inner = "<span lang=EN-US style='font-size:10.5pt'>&nbsp;<o:p></o:p></span>"
    elif i % 3 == 0:
        inner += "<span lang=EN-US><o:p>&nbsp;</o:p></span>" if False else "<span lang=EN-US><o:p></o:p></span>"
    return "<td%s>\n  <p class=MsoNormal align=center style='text-align:center;line-height:15.0pt'>%s</p>\n  </td>" % (attrs, inner)

def table_plain(rows, nbsp_blank=False, extra=""):
    out = ["<table border=\"1\" cellspacing=\"0\"%s><tbody>" % extra]
    for r in rows:
        out.append("<tr>" + "".join(td_plain(c, nbsp_blank) for c in r) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)

def table_word(rows):
    out = ["<div align=center><table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-table-layout-alt:fixed;mso-yfti-tbllook:1184'>"]
    width = 0
    for n, r in enumerate(rows):
        out.append(" <tr style='mso-yfti-irow:%d;height:20.25pt'>" % n)
        for i, c in enumerate(r):
            out.append("  " + td_word(c, i))
        out.append(" </tr>")
    # Word's spacer row for misaligned columns
    out.append(" <![if !supportMisalignedColumns]>\n <tr height=0>" + "<td width=60 style='border:none'></td>" * 10 + "</tr>\n <![endif]>")
    out.append("</table></div>")
    return "\n".join(out)

def explicit_empty(rows):
    """Replace every span by explicit empty cells, as some CMS editors do."""
    grid = {}
    nrows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid: c += 1
            for i in range(r, min(nrows, r + cell["rs"])):
                for j in range(c, c + cell["cs"]):
                    grid[(i, j)] = C(cell["t"]) if (i, j) == (r, c) else C("")
            c += cell["cs"]
    out = []
    for r in range(nrows):
        cols = sorted(j for (i, j) in grid if i == r)
        out.append([grid[(r, j)] for j in range(max(cols) + 1)] if cols else [])
    return out

def page(title, body):
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body>\n"
            "<div class=\"nav\"><a href=\"/\">首页</a> &gt; 政府信息公开年度报告</div>\n"
            "<div class=\"article\">\n<h1>%s</h1>\n<p>一、总体情况</p><p>（略）</p>\n%s\n"
            "<p>五、存在的主要问题及改进情况</p><p>（略）</p><p>六、其他需要报告的事项</p><p>无。</p>\n</div>\n"
            "<div class=\"footer\">【打印本页】【关闭本页】</div>\n</body></html>\n") % (esc(title), esc(title), body)

H2 = "<p><strong>二、主动公开政府信息情况</strong></p>"
H3 = "<p><strong>三、收到和处理政府信息公开申请情况</strong></p>"
H4 = "<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>"

def load(name):
    with open(os.path.join("testdata", "golden", name + ".json"), encoding="utf-8") as f:
        return json.load(f)["tables"]

def write(name, text):
    with open(os.path.join("testdata", "html", name + ".html"), "w", encoding="utf-8") as f:
        f.write(text)

def flat(sections):
    return [r for s in sections for r in s]

# grid_001: the official rowspan/colspan grid; table 二 split into one
# <table> per 第二十条 section, 三 and 四 one table each; values padded with
# NBSP as the portal did.
t = load("001")
pad = lambda rows: [[dict(c, t=("\u00a0" + c["t"] if c["t"].isdigit() else c["t"])) for c in r] for r in rows]
body = H2 + "\n" + "\n".join(table_plain(pad(s)) for s in proactive_2019(t)) + "\n" + H3 + "\n" + \
    table_plain(pad(requests(t, "2019")), nbsp_blank=True) + "\n" + H4 + "\n" + table_plain(pad(review(t)))
write("grid_001", page("新前街道2020年度政府信息公开工作年度报告", body))

# empty_003: spans replaced by explicit empty cells; blank cells as U+3000.
t = load("003")
blank3000 = lambda rows: [[dict(c, t=(c["t"] if c["t"] else "\u3000")) if k > 0 else c for k, c in enumerate(r)] for r in rows]
body = H2 + "\n" + table_plain(explicit_empty(blank3000(flat(proactive_2019(t))))) + "\n" + H3 + "\n" + \
    table_plain(explicit_empty(blank3000(requests(t, "2019")))) + "\n" + H4 + "\n" + \
    table_plain(explicit_empty(blank3000(review(t))))
write("empty_003", page("康川街道2020政府信息公开工作年度报告", body))

# word_000: exported from Word (MsoNormal paragraphs, spans, <br> in labels).
t = load("000")
body = H2 + "\n" + table_word(flat(proactive_2019(t))) + "\n" + H3 + "\n" + table_word(requests(t, "2019")) + \
    "\n" + H4 + "\n" + table_word(review(t))
write("word_000", page("同江市城市社区2020年政府信息公开工作年度报告", body))

# mismatch_002: one big <table> holding all three tables, whose header
# colspans do not line up with the data rows.
t = load("002")
pro = flat(proactive_2019(t))
for r in pro:  # 信息内容 spans two columns in the headers, labels one in the data
    if r[0]["t"] == "信息内容":
        r[0] = dict(r[0], cs=2)
req = requests(t, "2019")
req[0][0] = dict(req[0][0], cs=2)          # the 勾稽关系 note spans 2, the row labels 3
req[1][2] = dict(req[1][2], cs=2)          # 总计 spans 2
rev = review(t)
rev[1][5] = dict(rev[1][5], cs=4)          # 未经复议直接起诉 over 4 leaves,
rev[1][6] = dict(rev[1][6], cs=6)          # 复议后起诉 over 6
big = [[C("二、主动公开政府信息情况", cs=10)]] + pro + [[C("三、收到和处理政府信息公开申请情况", cs=10)]] + req + \
      [[C("四、政府信息公开行政复议、行政诉讼情况", cs=15)]] + rev
write("mismatch_002", page("同江市同江镇2020年政府信息公开工作年度报告", table_plain(big)))

# 2021a: the official 2021 layout, one table per section table.
t = load("2021a")
body = H2 + "\n" + table_plain(flat(proactive_2021(t))) + "\n" + H3 + "\n" + table_plain(requests(t, "2021")) + \
    "\n" + H4 + "\n" + table_plain(review(t))
write("2021a", page("某区人民政府2021年政府信息公开工作年度报告", body))

# 2021b: Word-exported, table 二 split per section, all inside a layout table.
t = load("2021b")
body = H2 + "\n" + "\n".join(table_word(s) for s in proactive_2021(t)) + "\n" + H3 + "\n" + \
    table_word(requests(t, "2021")) + "\n" + H4 + "\n" + table_word(review(t))
write("2021b", page("某镇人民政府2021年政府信息公开工作年度报告",
                    "<table width=\"100%\" class=\"layout\"><tr><td class=\"left\">栏目导航</td><td class=\"main\">\n" + body + "\n</td></tr></table>"))
