-- html.lua -- pandoc filter for the HTML pages of the derivations
-- (derivations/local.mk).  What Chromium needs and the Markdown does not:
--   * \mathrm{name} of two or more letters becomes \operatorname{name}:
--     pandoc writes \mathrm as one <mi> per letter under mathvariant,
--     which Chromium ignores (S·o·f·t·m·a·x in italics);
--   * an equation with \tag{N.M} becomes a box that scrolls sideways
--     with its tag "(N.M)" beside it and the anchor #eq-N.M (pandoc's
--     MathML writer drops \tag); untagged display math and tables get a
--     box that scrolls too;
--   * links to NAME.md point at NAME.html; a figure figures/F.svg that was
--     not drawn (no Graphviz at build time) becomes a note naming its source;
--   * a function name in code (`bp_...`) is followed, the first time on a
--     page, by the file that defines it, and carries its header as a
--     tooltip; a test name (`test_...`) carries its file as a tooltip.
-- Metadata: names (a file of lines "kind name path", kind "def", "decl"
-- or "test"), figdir (where the SVGs were built).

local defs, decls, tests = {}, {}, {}
local figdir = "."
local shown = {}

local function read_names (path)
  local f = io.open (path, "r")
  if not f then return end
  for line in f:lines () do
    local kind, name, file = line:match ("^(%S+)%s+(%S+)%s+(%S+)$")
    if kind == "def" and not defs[name] then defs[name] = file
    elseif kind == "decl" and not decls[name] then decls[name] = file
    elseif kind == "test" and not tests[name] then tests[name] = file end
  end
  f:close ()
end

local function meta_string (v)
  if v == nil then return nil end
  return pandoc.utils.stringify (v)
end

local lang = "en"

function Meta (m)
  local names = meta_string (m.names)
  if names then read_names (names) end
  figdir = meta_string (m.figdir) or figdir
  lang = meta_string (m.lang) or lang
end

-- The machine-readable lines (Slides:, Function:, Test: ... in `file`)
-- keep their English keys in the Markdown, which tests/check_derivations
-- reads; a Russian page shows them in Russian.
local ru_keys = { ["Slides:"] = "Слайды:", ["Slide:"] = "Слайд:",
                  ["Function:"] = "Функция:", ["Functions:"] = "Функции:",
                  ["Test:"] = "Тест:", ["Tests:"] = "Тесты:" }
local function key_words (inlines)
  if lang ~= "ru" or #inlines == 0 or inlines[1].t ~= "Str" or not ru_keys[inlines[1].text] then
    return nil
  end
  inlines[1] = pandoc.Str (ru_keys[inlines[1].text])
  for k = 1, #inlines - 2 do
    if inlines[k].t == "Str" and inlines[k].text == "in" and inlines[k + 2].t == "Code" then
      inlines[k] = pandoc.Str ("в")
    end
  end
  return inlines
end
local function key_block (b)
  local r = key_words (b.content)
  if r then b.content = r return b end
end

-- The section "In the code" / "В коде" at the end of a page: a box.
local code_box_titles = { ["In the code"] = true, ["В коде"] = true }
local function code_box (doc)
  local out, box = {}, nil
  for _, b in ipairs (doc.blocks) do
    if b.t == "Header" and b.level <= 2 then
      if box then table.insert (out, pandoc.Div (box, { class = "in-the-code" })) box = nil end
      if code_box_titles[pandoc.utils.stringify (b)] then box = { b } end
    end
    if box then
      if box[#box] ~= b then table.insert (box, b) end
    else
      table.insert (out, b)
    end
  end
  if box then table.insert (out, pandoc.Div (box, { class = "in-the-code" })) end
  doc.blocks = out
  return doc
end

-- labels, Labels: names of variables, set as upright text; any other
-- word in \mathrm is an operator name (Softmax, reshape, diag, lse...).
local function upright (tex)
  tex = tex:gsub ("\\mathrm%s*{([Ll]abels)}", "\\text{%1}")
  return (tex:gsub ("\\mathrm%s*{(%a%a+)}", "\\operatorname{%1}"))
end

local function display (m)
  m.text = upright (m.text)
  local tag = m.text:match ("\\tag%s*{([^}]*)}")
  if not tag then
    return pandoc.Span ({ m }, { class = "display-math" })
  end
  m.text = m.text:gsub ("\\tag%s*{[^}]*}", "")
  return pandoc.Span ({ pandoc.Span ({ m }, { class = "eq-body" }),
                       pandoc.Span ({ pandoc.Str ("(" .. tag .. ")") },
                                    { class = "eq-tag" }) },
                     { id = "eq-" .. tag, class = "equation" })
end

-- A long formula in the text cannot break (MathML inline math is one
-- box): it gets a box of its own that scrolls, like display math, so that
-- it never widens a phone's page.
local function math (m)
  if m.mathtype == "DisplayMath" then return display (m) end
  m.text = upright (m.text)
  if #m.text >= 48 then
    return pandoc.Span ({ m }, { class = "inline-scroll" })
  end
  return m
end

local function code (c)
  local name = c.text
  if name:match ("^bp_[%w_]+$") and (defs[name] or decls[name]) then
    local title = decls[name] and ((lang == "ru" and "объявлена в " or "declared in ")
                                   .. decls[name]) or nil
    if title then c.attributes.title = title end
    if defs[name] and not shown[name] then
      shown[name] = true
      return { c, pandoc.Span ({ pandoc.Str ("(" .. defs[name] .. ")") },
                               { class = "where" }) }
    end
    return c
  end
  if name:match ("^test_[%w_]+$") and tests[name] then
    c.attributes.title = (lang == "ru" and "в " or "in ") .. tests[name]
  end
  return c
end

local function link (l)
  local up, base, rest = l.target:match ("^(%.?%.?/?)([%w_-][%w_.-]*)%.md(#?.*)$")
  if base and (up == "" or up == "../") and not l.target:match ("^%a+:") then
    l.target = up .. base .. ".html" .. rest
  end
  return l
end

local function file_exists (p)
  local f = io.open (p, "r")
  if f then f:close () return true end
  return false
end

local function image (i)
  local svg = i.src:match ("^%.?%.?/?figures/([%w_.-]+%.svg)$")
  if svg and not file_exists (figdir .. "/" .. svg) then
    return pandoc.Emph { pandoc.Str ("[figure not drawn: Graphviz's dot was not found"
      .. " when this page was built (Debian package graphviz); its source is figures/"
      .. svg:gsub ("%.svg$", ".dot") .. "]") }
  end
  return i
end

-- In a table, a long name may break after "_" or "/" (<wbr>, which copies
-- as nothing), so that five columns of names fit the page.
local function escape (s)
  return (s:gsub ("&", "&amp;"):gsub ("<", "&lt;"):gsub (">", "&gt;"):gsub ('"', "&quot;"))
end
local function breakable (s)
  return (escape (s):gsub ("([_/])", "%1<wbr>"))
end
-- A figure (a paragraph of one drawn image) becomes a link to the image
-- alone: on a phone the graph scrolls in its box at its drawn size, and a
-- tap opens it to zoom (derivations.css).
local function figure (p)
  if #p.content ~= 1 or p.content[1].t ~= "Image" then return nil end
  local i = p.content[1]
  if not i.src:match ("figures/[%w_.-]+%.svg$") or i.title:sub (1, 4) ~= "fig:" then
    return nil
  end
  local caption = pandoc.write (pandoc.Pandoc ({ pandoc.Plain (i.caption) }), "html")
  local alt = pandoc.utils.stringify (i.caption)
  return pandoc.RawBlock ("html", '<figure>\n<a class="figure-link" href="' .. escape (i.src)
    .. '"><img src="' .. escape (i.src) .. '" alt="' .. escape (alt) .. '" /></a>\n'
    .. '<figcaption aria-hidden="true">' .. caption .. '</figcaption>\n</figure>')
end

local function table_code (c)
  local title = c.attributes.title
  return pandoc.RawInline ("html", "<code" ..
    (title and (' title="' .. escape (title) .. '"') or "") .. ">" ..
    breakable (c.text) .. "</code>")
end
local function table_str (s)
  if s.text:find ("[_/]") and #s.text > 12 then
    return pandoc.RawInline ("html", breakable (s.text))
  end
end
-- in a table, the file after a function is its base name, the path a tooltip
local function table_span (sp)
  if sp.classes[1] == "where" then
    local path = pandoc.utils.stringify (sp):match ("^%((.*)%)$")
    if path then
      return pandoc.Span ({ pandoc.Str ("(" .. path:match ("[^/]*$") .. ")") },
                          { class = "where", title = path })
    end
  end
end
local function table (t)
  -- the widths pandoc derives from the dashes of |---|---| would squeeze
  -- the columns of names; let the browser size the columns
  for i, spec in ipairs (t.colspecs) do
    t.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  t = pandoc.walk_block (t, { Span = table_span })
  t = pandoc.walk_block (t, { Code = table_code, Str = table_str })
  return pandoc.Div ({ t }, { class = "table-scroll" })
end

-- A generated block's BEGIN marker holds its template (docgen.h), which
-- is for the generator, not the reader: the page does not carry it.
local function raw_block (b)
  if b.format == "html" and b.text:match ("^<!%-%- BEGIN GENERATED ") then
    return {}
  end
end

-- Meta first, so that the names are known when the body is walked; tables
-- last, after their names got their files.
return {
  { Meta = Meta },
  { Math = math, Code = code, Link = link, Image = image, RawBlock = raw_block },
  -- a loose list's items are Para: their keys are translated as a Plain's
  { Table = table, Para = function (p) return figure (p) or key_block (p) end,
    Plain = key_block },
  { Pandoc = code_box },
}
