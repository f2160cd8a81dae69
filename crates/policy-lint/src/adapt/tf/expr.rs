//! The part of Terraform's expression language the linter evaluates:
//! literals, tuples and objects, traversals (`var.x`,
//! `aws_s3_bucket.site.arn`, `local.tags["app"]`) and function calls.
//!
//! Everything else (operators, conditionals, `for` expressions, splats in
//! the middle of a traversal) is kept as [`Expr::Other`] with its text, so
//! the value it stands for can be reported as unknown with a reason. A
//! literal object whose one value is a conditional still has its other
//! values read.

use super::template;

/// A parsed expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr<'s> {
    /// A quoted string: a template, with HCL escapes decoded.
    Str(String),
    Num(&'s str),
    Bool(bool),
    Null,
    Traversal(Vec<Step<'s>>),
    Call(&'s str, Vec<Expr<'s>>),
    Tuple(Vec<Expr<'s>>),
    Object(Vec<(String, Expr<'s>)>),
    /// An expression the linter does not evaluate, as written.
    Other(&'s str),
}

/// One step of a traversal.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step<'s> {
    Attr(&'s str),
    Index(Index),
    /// `[*]` or `.*`.
    Splat,
}

/// A literal index.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Index {
    Number(usize),
    Key(String),
    /// An index computed by an expression (`[count.index]`).
    Dynamic,
}

impl Step<'_> {
    /// The step as Terraform writes it in an address: `.name`, `[0]`,
    /// `["key"]`, `[*]`.
    pub(crate) fn render(&self, out: &mut String) {
        match self {
            Step::Attr(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Index(Index::Number(n)) => out.push_str(&format!("[{n}]")),
            Step::Index(Index::Key(k)) => out.push_str(&format!("[{k:?}]")),
            Step::Index(Index::Dynamic) => out.push_str("[…]"),
            Step::Splat => out.push_str("[*]"),
        }
    }
}

/// Renders traversal steps as an address.
pub(crate) fn render(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        step.render(&mut out);
    }
    out
}

/// Parses one expression; trailing text makes the whole an [`Expr::Other`].
pub(crate) fn parse(text: &str) -> Expr<'_> {
    let mut p = Parser {
        s: text,
        i: 0,
        depth: 0,
    };
    let expr = p.expr(&[]);
    p.ws(true);
    if p.i == text.len() {
        expr
    } else {
        Expr::Other(text.trim())
    }
}

struct Parser<'s> {
    s: &'s str,
    i: usize,
    /// Expressions open around the current one.
    depth: usize,
}

/// Deeper expressions are not read (the recursion is bounded).
const MAX_DEPTH: usize = 64;

/// Characters that continue an expression with an operator.
const OPERATOR_START: &[u8] = b"?=!<>+-*/%&|";

impl<'s> Parser<'s> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    fn rest(&self) -> &'s str {
        &self.s[self.i..]
    }

    /// Skips blanks, and line breaks when `newlines` is set.
    fn ws(&mut self, newlines: bool) {
        while let Some(c) = self.peek() {
            let skip = c == b' ' || c == b'\t' || c == b'\r' || (newlines && c == b'\n');
            if !skip {
                break;
            }
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws(true);
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// An expression that ends at one of `stops` (or the end of the text).
    fn expr(&mut self, stops: &[u8]) -> Expr<'s> {
        if self.depth >= MAX_DEPTH {
            let start = self.i;
            self.skip_to(stops);
            return Expr::Other(self.s[start..self.i].trim());
        }
        self.depth += 1;
        let expr = self.bounded_expr(stops);
        self.depth -= 1;
        expr
    }

    fn bounded_expr(&mut self, stops: &[u8]) -> Expr<'s> {
        self.ws(true);
        let start = self.i;
        let primary = self.primary();
        self.ws(false);
        match self.peek() {
            Some(c) if OPERATOR_START.contains(&c) => {
                self.skip_to(stops);
                Expr::Other(self.s[start..self.i].trim())
            }
            _ => match primary {
                Some(expr) => expr,
                None => {
                    self.i = start;
                    self.skip_to(stops);
                    Expr::Other(self.s[start..self.i].trim())
                }
            },
        }
    }

    /// Skips to the next of `stops` outside brackets and strings.
    fn skip_to(&mut self, stops: &[u8]) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'"' => {
                    self.i = template::string_end(self.s, self.i + 1).unwrap_or(self.s.len());
                    continue;
                }
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                c if depth == 0 && stops.contains(&c) => return,
                _ => {}
            }
            self.i += 1;
        }
    }

    fn primary(&mut self) -> Option<Expr<'s>> {
        match self.peek()? {
            b'"' => self.string().map(Expr::Str),
            b'[' => self.tuple(),
            b'{' => self.object(),
            b'(' => {
                self.i += 1;
                let inner = self.expr(b")");
                self.eat(b')').then_some(inner)
            }
            c if c.is_ascii_digit() || c == b'-' => self.number(),
            c if c.is_ascii_alphabetic() || c == b'_' => self.name_expr(),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Expr<'s>> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'E')
        {
            self.i += 1;
        }
        let text = &self.s[start..self.i];
        text.parse::<f64>().is_ok().then_some(Expr::Num(text))
    }

    fn ident(&mut self) -> Option<&'s str> {
        let start = self.i;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            self.i += 1;
        }
        (self.i > start).then(|| &self.s[start..self.i])
    }

    fn name_expr(&mut self) -> Option<Expr<'s>> {
        let name = self.ident()?;
        match name {
            "true" => return Some(Expr::Bool(true)),
            "false" => return Some(Expr::Bool(false)),
            "null" => return Some(Expr::Null),
            _ => {}
        }
        if self.rest().starts_with('(') {
            self.i += 1;
            return self.call_args().map(|args| Expr::Call(name, args));
        }
        let mut steps = vec![Step::Attr(name)];
        loop {
            if self.rest().starts_with(".*") {
                self.i += 2;
                steps.push(Step::Splat);
            } else if self.rest().starts_with('.') {
                self.i += 1;
                steps.push(self.dot_step()?);
            } else if self.rest().starts_with('[') {
                self.i += 1;
                steps.push(self.index_step()?);
            } else {
                return Some(Expr::Traversal(steps));
            }
        }
    }

    fn dot_step(&mut self) -> Option<Step<'s>> {
        if matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
            let start = self.i;
            while matches!(self.peek(), Some(c) if c.is_ascii_digit()) {
                self.i += 1;
            }
            return self.s[start..self.i]
                .parse()
                .ok()
                .map(|n| Step::Index(Index::Number(n)));
        }
        self.ident().map(Step::Attr)
    }

    fn index_step(&mut self) -> Option<Step<'s>> {
        self.ws(true);
        let step = if self.rest().starts_with('*') {
            self.i += 1;
            Step::Splat
        } else {
            match self.expr(b"]") {
                Expr::Num(n) => Step::Index(Index::Number(n.parse().ok()?)),
                Expr::Str(k) if !template::is_dynamic(&k) => Step::Index(Index::Key(k)),
                _ => Step::Index(Index::Dynamic),
            }
        };
        self.eat(b']').then_some(step)
    }

    fn call_args(&mut self) -> Option<Vec<Expr<'s>>> {
        let mut args = Vec::new();
        loop {
            if self.eat(b')') {
                return Some(args);
            }
            args.push(self.expr(b",)"));
            if !self.eat(b',') && !self.eat(b')') {
                return None;
            }
            if self.s.as_bytes().get(self.i - 1) == Some(&b')') {
                return Some(args);
            }
        }
    }

    fn tuple(&mut self) -> Option<Expr<'s>> {
        self.i += 1;
        self.ws(true);
        if self.rest().starts_with("for ") {
            return None;
        }
        let mut items = Vec::new();
        loop {
            if self.eat(b']') {
                return Some(Expr::Tuple(items));
            }
            items.push(self.expr(b",]"));
            if !self.eat(b',') && !self.eat(b']') {
                return None;
            }
            if self.s.as_bytes().get(self.i - 1) == Some(&b']') {
                return Some(Expr::Tuple(items));
            }
        }
    }

    fn object(&mut self) -> Option<Expr<'s>> {
        self.i += 1;
        self.ws(true);
        if self.rest().starts_with("for ") {
            return None;
        }
        let mut items = Vec::new();
        loop {
            if self.eat(b'}') {
                return Some(Expr::Object(items));
            }
            let key = self.object_key()?;
            self.ws(false);
            if !(self.eat(b'=') || self.eat(b':')) {
                return None;
            }
            items.push((key, self.expr(b",}\n")));
            self.ws(false);
            if self.peek() == Some(b',') || self.peek() == Some(b'\n') {
                self.i += 1;
            }
        }
    }

    fn object_key(&mut self) -> Option<String> {
        self.ws(true);
        match self.peek()? {
            b'"' => self.string(),
            b'(' => {
                self.i += 1;
                let key = match self.expr(b")") {
                    Expr::Str(k) if !template::is_dynamic(&k) => k,
                    _ => return None,
                };
                self.eat(b')').then_some(key)
            }
            _ => self.ident().map(str::to_owned),
        }
    }

    /// A quoted string, escapes decoded, templates kept as written.
    fn string(&mut self) -> Option<String> {
        let end = template::string_end(self.s, self.i + 1)?;
        let raw = &self.s[self.i + 1..end - 1];
        self.i = end;
        unescape(raw)
    }
}

/// Decodes HCL string escapes (`\n`, `\"`, `\u00e9`, …).
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'u' => out.push(hex_char(&mut chars, 4)?),
            'U' => out.push(hex_char(&mut chars, 8)?),
            _ => return None,
        }
    }
    Some(out)
}

fn hex_char(chars: &mut std::str::Chars<'_>, len: usize) -> Option<char> {
    let digits: String = chars.by_ref().take(len).collect();
    char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(name: &str) -> Step<'_> {
        Step::Attr(name)
    }

    #[test]
    fn traversals_with_indexes_and_splats() {
        assert_eq!(
            parse("aws_s3_bucket.site[0].arn"),
            Expr::Traversal(vec![
                attr("aws_s3_bucket"),
                attr("site"),
                Step::Index(Index::Number(0)),
                attr("arn")
            ])
        );
        let Expr::Traversal(steps) = parse(r#"module.web["a"].aws_x.y.*.id"#) else {
            panic!("not a traversal");
        };
        assert_eq!(render(&steps), r#"module.web["a"].aws_x.y[*].id"#);
    }

    #[test]
    fn literals_objects_and_calls() {
        let expr = parse(
            "jsonencode({\n  Version = \"2012-10-17\"\n  \"Statement\": [{Effect = \"Allow\", \
             Resource = [aws_s3_bucket.b.arn, \"${aws_s3_bucket.b.arn}/*\"], N = -1.5}]\n})",
        );
        let Expr::Call("jsonencode", args) = expr else {
            panic!("not a call: {expr:?}");
        };
        let Expr::Object(items) = &args[0] else {
            panic!("not an object");
        };
        assert_eq!(
            items[0],
            ("Version".to_owned(), Expr::Str("2012-10-17".into()))
        );
        let Expr::Tuple(statements) = &items[1].1 else {
            panic!("not a tuple");
        };
        let Expr::Object(statement) = &statements[0] else {
            panic!("not an object");
        };
        assert_eq!(statement[2].1, Expr::Num("-1.5"));
        assert_eq!(
            statement[1].1,
            Expr::Tuple(vec![
                Expr::Traversal(vec![attr("aws_s3_bucket"), attr("b"), attr("arn")]),
                Expr::Str("${aws_s3_bucket.b.arn}/*".into())
            ])
        );
    }

    #[test]
    fn operators_and_conditionals_are_other() {
        assert_eq!(
            parse("var.a == \"x\" ? 1 : 2"),
            Expr::Other("var.a == \"x\" ? 1 : 2")
        );
        assert_eq!(
            parse("[for s in var.l : s]"),
            Expr::Other("[for s in var.l : s]")
        );
        let Expr::Object(items) = parse("{a = var.x ? \"*\" : \"b\", c = \"\\u00e9\\n\"}") else {
            panic!("not an object");
        };
        assert_eq!(items[0].1, Expr::Other("var.x ? \"*\" : \"b\""));
        assert_eq!(items[1].1, Expr::Str("é\n".into()));
        assert_eq!(parse("f(a...)"), Expr::Call("f", vec![Expr::Other("a...")]));
    }

    #[test]
    fn hostile_text_neither_panics_nor_recurses_without_bound() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(parse(&deep), Expr::Tuple(_)));
        let seed = "{é = [\"${a.b}\", f(x, \"\\u00e9\"), c[\"k\"].*]} ? \"é\" : 'x' )]},\n";
        let chars: Vec<(usize, char)> = seed.char_indices().collect();
        for &(i, _) in &chars {
            for &(j, _) in chars.iter().filter(|(j, _)| *j >= i) {
                let _ = parse(&seed[i..j]);
                let _ = template::pieces(&seed[i..j]);
            }
        }
    }
}
