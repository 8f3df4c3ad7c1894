//! Subsonic answers as one tree rendered either way: XML (attributes, repeated elements) or
//! JSON (fields, arrays for lists), so no method can answer differently in the two.

use serde_json::{Map, Value};

pub const API_VERSION: &str = "1.16.1";
const XMLNS: &str = "http://subsonic.org/restapi";

#[derive(Debug, Clone, Default)]
pub struct Node {
    name: String,
    attrs: Vec<(String, Value)>,
    children: Vec<Child>,
    /// Element text in XML, the `value` field in JSON (lyrics lines, say).
    text: Option<String>,
}

#[derive(Debug, Clone)]
enum Child {
    One(Node),
    /// A list: repeated elements in XML, an array in JSON (also when empty or of one).
    Many(String, Vec<Node>),
}

impl Node {
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string(), ..Self::default() }
    }

    /// Sets an attribute; `None` values are left out.
    pub fn attr(mut self, key: &str, value: impl Into<Option<Value>>) -> Self {
        if let Some(v) = value.into().filter(|v| !v.is_null()) {
            self.attrs.push((key.to_string(), v));
        }
        self
    }

    /// The same node under another element name (an album as a directory `child`, say).
    pub fn renamed(mut self, name: &str) -> Self {
        self.name = name.to_string();
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }

    pub fn child(mut self, node: Node) -> Self {
        self.children.push(Child::One(node));
        self
    }

    pub fn list(mut self, name: &str, nodes: Vec<Node>) -> Self {
        self.children.push(Child::Many(name.to_string(), nodes));
        self
    }

    fn json(&self) -> Value {
        let mut object = Map::new();
        for (k, v) in &self.attrs {
            object.insert(k.clone(), v.clone());
        }
        if let Some(text) = &self.text {
            object.insert("value".into(), Value::from(text.clone()));
        }
        for child in &self.children {
            match child {
                Child::One(n) => {
                    object.insert(n.name.clone(), n.json());
                }
                Child::Many(name, nodes) => {
                    object.insert(name.clone(), Value::Array(nodes.iter().map(Node::json).collect()));
                }
            }
        }
        Value::Object(object)
    }

    fn xml(&self, out: &mut String, extra: &str) {
        out.push('<');
        out.push_str(&self.name);
        out.push_str(extra);
        for (k, v) in &self.attrs {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push_str(&format!(" {k}=\"{}\"", escape(&text)));
        }
        let nodes: Vec<&Node> = self
            .children
            .iter()
            .flat_map(|c| match c {
                Child::One(n) => vec![n],
                Child::Many(_, ns) => ns.iter().collect(),
            })
            .collect();
        if nodes.is_empty() && self.text.is_none() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(text) = &self.text {
            out.push_str(&escape(text));
        }
        for n in nodes {
            n.xml(out, "");
        }
        out.push_str(&format!("</{}>", self.name));
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry most control characters at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The envelope every answer comes in.
pub fn envelope(ok: bool) -> Node {
    Node::new("subsonic-response")
        .attr("status", Value::from(if ok { "ok" } else { "failed" }))
        .attr("version", Value::from(API_VERSION))
        .attr("type", Value::from("soundroom"))
        .attr("serverVersion", Value::from(env!("CARGO_PKG_VERSION")))
        .attr("openSubsonic", Value::from(true))
}

/// How the client asked to be answered (`f`).
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Xml,
    Json,
    Jsonp(String),
}

/// The body and content type of an answer.
pub fn render(response: &Node, format: &Format) -> (String, &'static str) {
    match format {
        Format::Xml => {
            let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
            response.xml(&mut out, &format!(r#" xmlns="{XMLNS}""#));
            (out, "text/xml; charset=utf-8")
        }
        Format::Json => {
            let body = serde_json::json!({ "subsonic-response": response.json() });
            (body.to_string(), "application/json")
        }
        Format::Jsonp(callback) => {
            let body = serde_json::json!({ "subsonic-response": response.json() });
            (format!("{callback}({body});"), "application/javascript")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_tree_renders_as_subsonic_xml_and_json() {
        let songs = vec![Node::new("song").attr("id", Value::from("1")).attr("title", Value::from("A & <B>"))];
        let tree = envelope(true).child(Node::new("searchResult3").list("song", songs).list("album", vec![]));
        let (xml, _) = render(&tree, &Format::Xml);
        assert!(xml.contains(r#"<subsonic-response xmlns="http://subsonic.org/restapi" status="ok" version="1.16.1""#));
        assert!(xml.contains(r#"<searchResult3><song id="1" title="A &amp; &lt;B&gt;"/></searchResult3>"#), "{xml}");
        let (json, _) = render(&tree, &Format::Json);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["subsonic-response"]["searchResult3"]["song"][0]["title"], "A & <B>");
        assert_eq!(v["subsonic-response"]["searchResult3"]["album"], serde_json::json!([]));
        assert_eq!(v["subsonic-response"]["openSubsonic"], true);
        let line = envelope(true).child(Node::new("line").attr("start", Value::from(5)).text("la & la"));
        assert!(render(&line, &Format::Xml).0.contains(r#"<line start="5">la &amp; la</line>"#));
        let v: Value = serde_json::from_str(&render(&line, &Format::Json).0).unwrap();
        assert_eq!(v["subsonic-response"]["line"]["value"], "la & la");
        let (jsonp, _) = render(&tree, &Format::Jsonp("cb".into()));
        assert!(jsonp.starts_with("cb({") && jsonp.ends_with(");"));
    }
}
