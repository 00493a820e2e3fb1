import { html, raw, type HtmlValue, type SafeHtml } from './html.ts';

const STYLE = raw(`
*{box-sizing:border-box}body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:8px 20px;display:flex;gap:18px;align-items:center}
header a{color:#dfe9f5;text-decoration:none}header a:hover{color:#fff}header strong{margin-right:12px}
main{padding:16px 20px;max-width:1400px}h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:22px 0 8px}
table{border-collapse:collapse;background:#fff;margin-bottom:8px}th,td{border:1px solid #dde1e6;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#66707a}.small{font-size:12px}code,pre{font-family:ui-monospace,monospace;font-size:12.5px}
pre.cmd{background:#10202f;color:#e8f0f8;padding:8px 12px;border-radius:4px;overflow-x:auto;user-select:all}
.bar{display:flex;width:120px;height:12px;background:#e5e8eb;border-radius:3px;overflow:hidden}
.bar span{display:block;height:100%}.s-done{background:#2a9d8f}.s-failed{background:#e63946}.s-skipped{background:#a8b0b8}
.st{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;background:#e5e8eb}
.st.done{background:#d3f0ec}.st.failed{background:#fadadd}.st.running{background:#fde8d6}.st.skipped{background:#e5e8eb}
.figure{background:#fff;border:1px solid #dde1e6;padding:12px;margin-bottom:16px}
.stage{position:relative;display:inline-block;max-width:520px;line-height:0}.stage img{max-width:520px;width:100%;height:auto}
.box{position:absolute;border:2px solid #e63946;background:rgba(230,57,70,.08)}
.box b{position:absolute;left:0;top:0;background:#e63946;color:#fff;font-size:11px;line-height:1.3;padding:0 3px}
.crop{max-width:160px;max-height:160px;background:#fff;border:1px solid #dde1e6}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.card{background:#fff;border:1px solid #dde1e6;padding:8px}.card p{margin:6px 0 0}
.card .crop{max-width:100%;max-height:220px}.card p.text{display:-webkit-box;-webkit-line-clamp:7;-webkit-box-orient:vertical;overflow:hidden}
.clip{display:inline-block;max-width:280px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;vertical-align:bottom}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin-bottom:12px}form.filters label{display:flex;flex-direction:column;font-size:12px}
.pager{margin:8px 0;display:flex;gap:12px}.error{background:#fadadd;border:1px solid #e63946;padding:8px 12px}
`);

export function layout(title: string, body: HtmlValue): string {
  const page: SafeHtml = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · pmc-curator</title><style>${STYLE}</style></head>
<body><header><strong>pmc-curator</strong><a href="/">Overview</a><a href="/failures">Failures</a><a href="/pairs">Pairs</a><a href="/queues">Queues</a><a href="/metrics">Metrics</a></header>
<main>${body}</main></body></html>`;
  return page.value;
}
