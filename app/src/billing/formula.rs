//! The fee formula language: a small, sandboxed expression language over named variables, for
//! charge items no fixed rule fits (`area * 2.5 + if(floor > 11, 10, 0)`).
//!
//! - Numbers are exact rationals (no floats); `/` divides exactly.
//! - Operators: `+ - * /`, comparisons `< <= > >= == !=` (giving a truth value), `and`, `or`,
//!   `not`; functions `min(a, b)`, `max(a, b)`, `if(cond, then, else)`.
//! - A formula is checked when it is saved: it must parse, name only known variables and be a
//!   number (not a truth value); every error carries the character position it was found at.
//! - Evaluation cannot loop or touch anything outside its inputs; a division by zero or an
//!   overflow is an error, never a silent 0.
use crate::shared::money::Money;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::model::Rounding;

/// The variables a formula may use, with what they mean.
pub const VARIABLES: [(&str, &str); 7] = [
    ("area", "法定面积（㎡）"),
    ("shared_area", "公摊面积（㎡）"),
    ("usage", "本期用量"),
    ("floor", "楼层"),
    ("days", "计费天数"),
    ("month_days", "当月天数"),
    ("spaces", "车位数"),
];

const MAX_LEN: usize = 500;
const MAX_DEPTH: usize = 32;

/// Where and why a formula was refused; `code` is an i18n key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormulaError {
    /// 0-based character position in the formula.
    pub pos: usize,
    pub code: &'static str,
}

fn err<T>(pos: usize, code: &'static str) -> Result<T, FormulaError> {
    Err(FormulaError { pos, code })
}

/// An exact rational number, kept reduced with a positive denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub num: i128,
    pub den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let g = gcd(num, den);
        let s = if den < 0 { -1 } else { 1 };
        Some(Ratio {
            num: s * num / g,
            den: s * den / g,
        })
    }
    fn int(v: i128) -> Ratio {
        Ratio { num: v, den: 1 }
    }
    fn add(self, o: Ratio) -> Option<Ratio> {
        let n = self.num.checked_mul(o.den)?.checked_add(o.num.checked_mul(self.den)?)?;
        Ratio::new(n, self.den.checked_mul(o.den)?)
    }
    fn sub(self, o: Ratio) -> Option<Ratio> {
        self.add(Ratio {
            num: -o.num,
            den: o.den,
        })
    }
    fn mul(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(self.num.checked_mul(o.num)?, self.den.checked_mul(o.den)?)
    }
    fn div(self, o: Ratio) -> Option<Ratio> {
        if o.num == 0 {
            return None;
        }
        Ratio::new(self.num.checked_mul(o.den)?, self.den.checked_mul(o.num)?)
    }
    fn cmp(self, o: Ratio) -> std::cmp::Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Ratio),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn lex(src: &str) -> Result<Vec<(usize, Tok)>, FormulaError> {
    let chars: Vec<char> = src.chars().collect();
    if chars.len() > MAX_LEN {
        return err(MAX_LEN, "err.formula_too_long");
    }
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let mut int = String::new();
            let mut frac = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                int.push(chars[i]);
                i += 1;
            }
            if i < chars.len() && chars[i] == '.' {
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    frac.push(chars[i]);
                    i += 1;
                }
            }
            if int.len() + frac.len() > 18 {
                return err(start, "err.formula_number");
            }
            let digits = format!("{int}{frac}");
            let num: i128 = digits.parse().map_err(|_| FormulaError {
                pos: start,
                code: "err.formula_number",
            })?;
            let den = 10i128.pow(frac.len() as u32);
            out.push((
                start,
                Tok::Num(Ratio::new(num, den).expect("a power of ten is not zero")),
            ));
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                i += 1;
            }
            out.push((start, Tok::Ident(s)));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "<=" | ">=" | "==" | "!=" => {
                    i += 2;
                    match two.as_str() {
                        "<=" => "<=",
                        ">=" => ">=",
                        "==" => "==",
                        _ => "!=",
                    }
                }
                _ => {
                    i += 1;
                    match c {
                        '+' => "+",
                        '-' => "-",
                        '*' | '×' => "*",
                        '/' | '÷' => "/",
                        '<' => "<",
                        '>' => ">",
                        '(' | '（' => {
                            out.push((start, Tok::LParen));
                            continue;
                        }
                        ')' | '）' => {
                            out.push((start, Tok::RParen));
                            continue;
                        }
                        ',' | '，' => {
                            out.push((start, Tok::Comma));
                            continue;
                        }
                        _ => return err(start, "err.formula_char"),
                    }
                }
            };
            out.push((start, Tok::Op(op)));
        }
    }
    Ok(out)
}

/// A checked formula, ready to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(Ratio),
    Var(String),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Min(Box<Expr>, Box<Expr>),
    Max(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    i: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn pos(&self) -> usize {
        self.toks.get(self.i).map(|t| t.0).unwrap_or(self.end)
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.1)
    }
    fn eat_op(&mut self, ops: &[&'static str]) -> Option<(usize, &'static str)> {
        match self.toks.get(self.i) {
            Some((p, Tok::Op(o))) if ops.contains(o) => {
                let r = (*p, *o);
                self.i += 1;
                Some(r)
            }
            Some((p, Tok::Ident(w))) if ops.contains(&w.as_str()) => {
                let op = ops.iter().find(|o| **o == w).copied().unwrap_or("");
                let r = (*p, op);
                self.i += 1;
                Some(r)
            }
            _ => None,
        }
    }
    fn expect(&mut self, t: Tok) -> Result<(), FormulaError> {
        if self.peek() == Some(&t) {
            self.i += 1;
            Ok(())
        } else {
            err(self.pos(), "err.formula_syntax")
        }
    }
    fn deeper(&mut self) -> Result<(), FormulaError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return err(self.pos(), "err.formula_deep");
        }
        Ok(())
    }

    // or > and > not > comparison > additive > multiplicative > unary > primary
    fn or(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let (mut l, mut lt, lp) = self.and()?;
        while let Some((p, _)) = self.eat_op(&["or"]) {
            let (r, rt, rp) = self.and()?;
            want(lt, Ty::Bool, lp)?;
            want(rt, Ty::Bool, rp)?;
            let _ = p;
            l = Expr::Bin("or", Box::new(l), Box::new(r));
            lt = Ty::Bool;
        }
        Ok((l, lt, lp))
    }
    fn and(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let (mut l, mut lt, lp) = self.not()?;
        while self.eat_op(&["and"]).is_some() {
            let (r, rt, rp) = self.not()?;
            want(lt, Ty::Bool, lp)?;
            want(rt, Ty::Bool, rp)?;
            l = Expr::Bin("and", Box::new(l), Box::new(r));
            lt = Ty::Bool;
        }
        Ok((l, lt, lp))
    }
    fn not(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        if let Some((p, _)) = self.eat_op(&["not"]) {
            self.deeper()?;
            let (e, t, ep) = self.not()?;
            self.depth -= 1;
            want(t, Ty::Bool, ep)?;
            return Ok((Expr::Not(Box::new(e)), Ty::Bool, p));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let (l, lt, lp) = self.add()?;
        if let Some((_, op)) = self.eat_op(&["<", "<=", ">", ">=", "==", "!="]) {
            let (r, rt, rp) = self.add()?;
            want(lt, Ty::Num, lp)?;
            want(rt, Ty::Num, rp)?;
            return Ok((Expr::Bin(op, Box::new(l), Box::new(r)), Ty::Bool, lp));
        }
        Ok((l, lt, lp))
    }
    fn add(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let (mut l, lt, lp) = self.mul()?;
        while let Some((_, op)) = self.eat_op(&["+", "-"]) {
            let (r, rt, rp) = self.mul()?;
            want(lt, Ty::Num, lp)?;
            want(rt, Ty::Num, rp)?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok((l, lt, lp))
    }
    fn mul(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let (mut l, lt, lp) = self.unary()?;
        while let Some((_, op)) = self.eat_op(&["*", "/"]) {
            let (r, rt, rp) = self.unary()?;
            want(lt, Ty::Num, lp)?;
            want(rt, Ty::Num, rp)?;
            l = Expr::Bin(op, Box::new(l), Box::new(r));
        }
        Ok((l, lt, lp))
    }
    fn unary(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        if let Some((p, _)) = self.eat_op(&["-"]) {
            self.deeper()?;
            let (e, t, ep) = self.unary()?;
            self.depth -= 1;
            want(t, Ty::Num, ep)?;
            return Ok((Expr::Neg(Box::new(e)), Ty::Num, p));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<(Expr, Ty, usize), FormulaError> {
        let p = self.pos();
        match self.toks.get(self.i).map(|t| t.1.clone()) {
            Some(Tok::Num(n)) => {
                self.i += 1;
                Ok((Expr::Num(n), Ty::Num, p))
            }
            Some(Tok::LParen) => {
                self.i += 1;
                self.deeper()?;
                let e = self.or()?;
                self.depth -= 1;
                self.expect(Tok::RParen)?;
                Ok((e.0, e.1, p))
            }
            Some(Tok::Ident(name)) => {
                self.i += 1;
                if self.peek() == Some(&Tok::LParen) {
                    self.i += 1;
                    self.deeper()?;
                    let mut args = vec![self.or()?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.i += 1;
                        args.push(self.or()?);
                    }
                    self.expect(Tok::RParen)?;
                    self.depth -= 1;
                    return call(&name, args, p);
                }
                if !VARIABLES.iter().any(|(v, _)| *v == name) {
                    return err(p, "err.formula_unknown_var");
                }
                Ok((Expr::Var(name), Ty::Num, p))
            }
            _ => err(p, "err.formula_syntax"),
        }
    }
}

fn want(got: Ty, want: Ty, pos: usize) -> Result<(), FormulaError> {
    if got == want {
        Ok(())
    } else {
        err(pos, "err.formula_type")
    }
}

fn call(name: &str, mut args: Vec<(Expr, Ty, usize)>, pos: usize) -> Result<(Expr, Ty, usize), FormulaError> {
    let arity = match name {
        "min" | "max" => 2,
        "if" => 3,
        _ => return err(pos, "err.formula_unknown_fn"),
    };
    if args.len() != arity {
        return err(pos, "err.formula_arity");
    }
    if name == "if" {
        let (e, et, ep) = args.pop().expect("three arguments");
        let (t, tt, tp) = args.pop().expect("three arguments");
        let (c, ct, cp) = args.pop().expect("three arguments");
        want(ct, Ty::Bool, cp)?;
        want(tt, Ty::Num, tp)?;
        want(et, Ty::Num, ep)?;
        return Ok((Expr::If(Box::new(c), Box::new(t), Box::new(e)), Ty::Num, pos));
    }
    let (b, bt, bp) = args.pop().expect("two arguments");
    let (a, at, ap) = args.pop().expect("two arguments");
    want(at, Ty::Num, ap)?;
    want(bt, Ty::Num, bp)?;
    let e = if name == "min" {
        Expr::Min(Box::new(a), Box::new(b))
    } else {
        Expr::Max(Box::new(a), Box::new(b))
    };
    Ok((e, Ty::Num, pos))
}

/// Parses and type-checks a formula; the result must be a number.
pub fn parse(src: &str) -> Result<Expr, FormulaError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return err(0, "err.formula_empty");
    }
    let mut p = Parser {
        toks,
        i: 0,
        end: src.chars().count(),
        depth: 0,
    };
    let (e, t, pos) = p.or()?;
    if p.i < p.toks.len() {
        return err(p.pos(), "err.formula_syntax");
    }
    want(t, Ty::Num, pos)?;
    Ok(e)
}

/// Why an evaluation failed (never a silent 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EvalError {
    /// A variable the formula uses was not supplied for this unit (e.g. no usage reading).
    Missing,
    DivByZero,
    Overflow,
}

enum Val {
    N(Ratio),
    B(bool),
}

/// Values of the variables for one unit, as exact rationals (areas: hundredths / 100).
pub type Vars = HashMap<&'static str, Ratio>;

/// A value in hundredths (an area in centi-m², a usage in hundredths) as a variable.
pub fn hundredths(v: i64) -> Ratio {
    Ratio::new(v as i128, 100).expect("100 is not zero")
}

/// A whole number as a variable.
pub fn whole(v: i64) -> Ratio {
    Ratio::int(v as i128)
}

fn eval_inner(e: &Expr, vars: &Vars) -> Result<Val, EvalError> {
    let num = |e: &Expr| match eval_inner(e, vars)? {
        Val::N(n) => Ok(n),
        Val::B(_) => Err(EvalError::Overflow),
    };
    let boolean = |e: &Expr| match eval_inner(e, vars)? {
        Val::B(b) => Ok(b),
        Val::N(_) => Err(EvalError::Overflow),
    };
    Ok(match e {
        Expr::Num(n) => Val::N(*n),
        Expr::Var(v) => Val::N(*vars.get(v.as_str()).ok_or(EvalError::Missing)?),
        Expr::Neg(x) => {
            let n = num(x)?;
            Val::N(Ratio {
                num: -n.num,
                den: n.den,
            })
        }
        Expr::Not(x) => Val::B(!boolean(x)?),
        Expr::If(c, t, f) => Val::N(if boolean(c)? { num(t)? } else { num(f)? }),
        Expr::Min(a, b) => {
            let (a, b) = (num(a)?, num(b)?);
            Val::N(if a.cmp(b).is_le() { a } else { b })
        }
        Expr::Max(a, b) => {
            let (a, b) = (num(a)?, num(b)?);
            Val::N(if a.cmp(b).is_ge() { a } else { b })
        }
        Expr::Bin(op, a, b) => match *op {
            "and" => Val::B(boolean(a)? && boolean(b)?),
            "or" => Val::B(boolean(a)? || boolean(b)?),
            _ => {
                let (x, y) = (num(a)?, num(b)?);
                match *op {
                    "+" => Val::N(x.add(y).ok_or(EvalError::Overflow)?),
                    "-" => Val::N(x.sub(y).ok_or(EvalError::Overflow)?),
                    "*" => Val::N(x.mul(y).ok_or(EvalError::Overflow)?),
                    "/" => Val::N(if y.num == 0 {
                        return Err(EvalError::DivByZero);
                    } else {
                        x.div(y).ok_or(EvalError::Overflow)?
                    }),
                    "<" => Val::B(x.cmp(y).is_lt()),
                    "<=" => Val::B(x.cmp(y).is_le()),
                    ">" => Val::B(x.cmp(y).is_gt()),
                    ">=" => Val::B(x.cmp(y).is_ge()),
                    "==" => Val::B(x.cmp(y).is_eq()),
                    _ => Val::B(!x.cmp(y).is_eq()),
                }
            }
        },
    })
}

/// Evaluates a checked formula to yuan, then rounds it to money by the item's rule.
pub fn evaluate(e: &Expr, vars: &Vars, r: Rounding) -> Result<Money, EvalError> {
    match eval_inner(e, vars)? {
        Val::N(n) => {
            let fen = n.num.checked_mul(100).ok_or(EvalError::Overflow)?;
            let m = r.apply(fen, n.den);
            Ok(m)
        }
        Val::B(_) => Err(EvalError::Overflow),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::billing::model::{RoundMode, RoundTo};

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.insert("area", hundredths(8957));
        v.insert("floor", whole(12));
        v.insert("days", whole(15));
        v.insert("month_days", whole(30));
        v
    }

    fn run(src: &str) -> Money {
        evaluate(&parse(src).unwrap(), &vars(), Rounding::FEN_HALF_UP).unwrap()
    }

    #[test]
    fn formulas_compute_exactly() {
        assert_eq!(run("area * 2.5"), Money(22_393));
        assert_eq!(run("area * 2.5 * days / month_days"), Money(11_196));
        assert_eq!(run("area × 2.5 + if(floor > 11, 10, 0)"), Money(23_393));
        assert_eq!(run("max(area * 1.2, 100) - min(5, 3)"), Money(10_448));
        assert_eq!(run("-(1 + 2) * 3 + 10"), Money(100));
        assert_eq!(run("if(floor >= 12 and not(days == 30), 1, 2)"), Money(100));
        assert_eq!(run("1 / 3 * 3"), Money(100), "exact rationals, not 0.99");
        let down = Rounding {
            mode: RoundMode::Down,
            to: RoundTo::Yuan,
        };
        assert_eq!(
            evaluate(&parse("area * 2.5").unwrap(), &vars(), down),
            Ok(Money(22_300))
        );
    }

    #[test]
    fn errors_name_their_position() {
        let e = |s: &str| parse(s).unwrap_err();
        assert_eq!(
            e("area * "),
            FormulaError {
                pos: 7,
                code: "err.formula_syntax"
            }
        );
        assert_eq!(
            e("area * price"),
            FormulaError {
                pos: 7,
                code: "err.formula_unknown_var"
            }
        );
        assert_eq!(
            e("area > 3"),
            FormulaError {
                pos: 0,
                code: "err.formula_type"
            }
        );
        assert_eq!(
            e("if(area, 1, 2)"),
            FormulaError {
                pos: 3,
                code: "err.formula_type"
            }
        );
        assert_eq!(
            e("sqrt(area)"),
            FormulaError {
                pos: 0,
                code: "err.formula_unknown_fn"
            }
        );
        assert_eq!(
            e("min(area)"),
            FormulaError {
                pos: 0,
                code: "err.formula_arity"
            }
        );
        assert_eq!(
            e("area $ 2"),
            FormulaError {
                pos: 5,
                code: "err.formula_char"
            }
        );
        assert_eq!(
            e("(area * 2"),
            FormulaError {
                pos: 9,
                code: "err.formula_syntax"
            }
        );
        assert_eq!(
            e("area 2"),
            FormulaError {
                pos: 5,
                code: "err.formula_syntax"
            }
        );
        assert_eq!(
            e("   "),
            FormulaError {
                pos: 0,
                code: "err.formula_empty"
            }
        );
        assert_eq!(e(&"(".repeat(40)).code, "err.formula_deep");
        assert_eq!(e(&"1+".repeat(300)).code, "err.formula_too_long");
    }

    #[test]
    fn failed_evaluations_are_errors_not_zero() {
        let r = Rounding::FEN_HALF_UP;
        assert_eq!(
            evaluate(&parse("usage * 3.45").unwrap(), &vars(), r),
            Err(EvalError::Missing)
        );
        assert_eq!(
            evaluate(&parse("area / (floor - 12)").unwrap(), &vars(), r),
            Err(EvalError::DivByZero)
        );
        let big = "999999999999999999 * 999999999999999999 * 999999999999999999";
        assert_eq!(evaluate(&parse(big).unwrap(), &vars(), r), Err(EvalError::Overflow));
    }
}
