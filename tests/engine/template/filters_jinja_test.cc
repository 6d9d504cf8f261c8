// Jinja2's built-in filters, checked against Python.
// Expected values come from Python: Jinja2 3.1.2 with ansible-core 2.14's
// filters and tests, rendering the same expressions with the same variables.
#include <doctest/doctest.h>

#include <string>

#include "engine/template/filters.h"
#include "engine/template/templar.h"
#include "tests/engine/template/filter_test_util.h"

namespace hostprep {
namespace {

void CheckAll(std::initializer_list<testing::FilterCase> cases) {
  testing::CheckAllOver(testing::kOracleVars, cases);
}

TEST_CASE("filters capitalize title center and case follow Python") {
  CheckAll({
      {R"('hello World' | capitalize)", R"("Hello world")"},
      {R"('é ab' | capitalize)", R"("É ab")"},
      {R"('hELLO wORLD' | title)", R"("Hello World")"},
      {R"("don't stop-me (now) [x] {y} <z>" | title)", R"("Don't Stop-Me (Now) [X] {Y} <Z>")"},
      {R"('abc' | center(9))", R"("   abc   ")"},
      {R"('abc' | center(8))", R"("  abc   ")"},
      {R"('abc' | center(2))", R"("abc")"},
      {R"('ééé' | center(7))", R"("  ééé  ")"},
      {R"('MiXed É' | lower)", R"("mixed é")"},
      {R"('MiXed é' | upper)", R"("MIXED É")"},
      {R"('ß' | upper)", R"("SS")"},
      {R"(true | lower)", R"("true")"},
  });
}

TEST_CASE("filters escape safe striptags and urlencode follow markupsafe") {
  CheckAll({
      {R"('<a href="x">&\'</a>' | escape)", R"("&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;")"},
      {R"('<a>' | e)", R"("&lt;a&gt;")"},
      {R"('<a>' | forceescape)", R"("&lt;a&gt;")"},
      {R"(none | escape)", R"("None")"},
      {R"('<x>' | safe)", R"("<x>")"},
      {R"(none | safe)", R"("None")"},
      {R"('<!-- c -->a<b\n>c</b>  &amp;&#39;&#x41;&nbsp;x' | striptags)", R"("ac &'A x")"},
      {R"('a b&c/d' | urlencode)", R"("a%20b%26c/d")"},
      {R"({'a': 'x y', 'b': 1} | urlencode)", R"("a=x+y&b=1")"},
      {R"([['a', 'b c']] | urlencode)", R"("a=b+c")"},
      {R"('é/ü' | urlencode)", R"("%C3%A9/%C3%BC")"},
      {R"({'é': 'ü /'} | urlencode)", R"("%C3%A9=%C3%BC+%2F")"},
      {R"(none | urlencode)", R"("None")"},
      {R"({'a': 1, 'b': 'x y', 'c': none, 'd': '<"'} | xmlattr)",
       R"(" a=\"1\" b=\"x y\" d=\"&lt;&#34;\"")"},
      {R"({'a': 1} | xmlattr(false))", R"("a=\"1\"")"},
      {R"({} | xmlattr)", R"("")"},
  });
}

TEST_CASE("filter indent follows Jinja 3.1") {
  CheckAll({
      {R"('a\nb\n\nc' | indent)", R"("a\n    b\n\n    c")"},
      {R"('a\nb\n\nc' | indent(2, true, true))", R"("  a\n  b\n  \n  c")"},
      {R"('a\nb\n' | indent(first=true))", R"("    a\n    b\n")"},
      {R"('a\r\nb\rc' | indent(2))", R"("a\n  b\n  c")"},
      {R"('' | indent(first=true))", R"("    ")"},
      {R"('a\nb' | indent('> '))", R"("a\n> b")"},
      {R"('a\nb' | indent(width=1, blank=true))", R"("a\n b")"},
  });
}

TEST_CASE("filters truncate wordcount and wordwrap follow Jinja and textwrap") {
  CheckAll({
      {R"('foo bar baz qux' | truncate(9))", R"("foo...")"},
      {R"('foo bar baz qux' | truncate(9, true))", R"("foo ba...")"},
      {R"('foo bar baz qux' | truncate(11))", R"("foo bar baz qux")"},
      {R"('foo bar baz' | truncate(10, false, '...', 0))", R"("foo...")"},
      {R"('hello world foo' | truncate(8, leeway=0))", R"("hello...")"},
      {R"('hello world foo' | truncate(8, end='!', leeway=0))", R"("hello!")"},
      {R"('hello' | truncate(3))", R"("hello")"},
      {R"('one two, three' | wordcount)", R"(3)"},
      {R"('x_y2 é! 3' | wordcount)", R"(3)"},
      {R"('' | wordcount)", R"(0)"},
      {R"('aaa bbb ccc ddd' | wordwrap(7))", R"("aaa bbb\nccc ddd")"},
      {R"('aaaaaaaaaaa bbb' | wordwrap(5))", R"("aaaaa\naaaaa\na bbb")"},
      {R"('aaaaaaaaaaa bbb' | wordwrap(5, false))", R"("aaaaaaaaaaa\nbbb")"},
      {R"('The quick brown-fox jumped over-the lazy dog' | wordwrap(10))",
       R"("The quick\nbrown-fox\njumped\nover-the\nlazy dog")"},
      {R"('well-known-long-word here' | wordwrap(8))", R"("well-\nknown-\nlong-\nword\nhere")"},
      {R"('well-known-long-word here' | wordwrap(8, break_on_hyphens=false))",
       R"("well-kno\nwn-long-\nword\nhere")"},
      {R"('a\n\nb  c' | wordwrap(3))", R"("a\n\nb\nc")"},
      {R"(long | wordwrap(20))",
       R"("The quick brown fox\njumps over the lazy\ndog and keeps\nrunning far away")"},
      {R"(long | wordwrap(20, wrapstring='<br>'))",
       R"("The quick brown fox<br>jumps over the lazy<br>dog and keeps<br>running far away")"},
  });
}

TEST_CASE("filter format is Python's printf-style formatting") {
  CheckAll({
      {R"('%s=%d %.2f %r %5s|%-5s|%x %o %e %g %%' | format('a', 3, 2.5, 'q', 'ab', 'cd', 255, 8, 12345.678, 0.0001))",
       R"("a=3 2.50 'q'    ab|cd   |ff 10 1.234568e+04 0.0001 %")"},
      {R"('%5d|%-5d|%05d|%+d|% d|%x|%X|%#x|%#o|%c|%c' | format(42, 42, 42, 42, 42, 255, 255, 255, 8, 65, 'z'))",
       R"("   42|42   |00042|+42| 42|ff|FF|0xff|0o10|A|z")"},
      {R"('%.3s|%10.2f|%-10s|%e|%.0f|%g|%g|%g' | format('abcdef', 3.14159, 'x', 0, 2.5, 1e20, 123456789, 0.5))",
       R"("abc|      3.14|x         |0.000000e+00|2|1e+20|1.23457e+08|0.5")"},
      {R"('%r' | format(1.5))", R"("1.5")"},
      {R"('%s' | format(true))", R"("True")"},
      {R"('%s' | format(none))", R"("None")"},
      {R"('%s' | format([1, 'a']))", R"("[1, 'a']")"},
      {R"('%d' | format(2.7))", R"("2")"},
      {R"('%i' | format(true))", R"("1")"},
      {R"('%.2e' | format(1234.5))", R"("1.23e+03")"},
      {R"('%G' | format(1e-10))", R"("1E-10")"},
      {R"('%*d' | format(5, 3))", R"("    3")"},
      {R"('%-*d|' | format(4, 3))", R"("3   |")"},
      {R"('%.1f%%' | format(99.95))", R"("100.0%")"},
      {R"('%08.3f' | format(-3.14159))", R"("-003.142")"},
  });
}

TEST_CASE("filters filesizeformat pprint and tojson print as Jinja does") {
  CheckAll({
      {R"(1500 | filesizeformat)", R"("1.5 kB")"},
      {R"(1500 | filesizeformat(true))", R"("1.5 KiB")"},
      {R"(1 | filesizeformat)", R"("1 Byte")"},
      {R"(0 | filesizeformat)", R"("0 Bytes")"},
      {R"(999 | filesizeformat)", R"("999 Bytes")"},
      {R"(1000 | filesizeformat)", R"("1.0 kB")"},
      {R"(1048576 | filesizeformat(true))", R"("1.0 MiB")"},
      {R"('2000000' | filesizeformat)", R"("2.0 MB")"},
      {R"(1e27 | filesizeformat)", R"("1000.0 YB")"},
      {R"('abc' | pprint)", R"("'abc'")"},
      {R"({'a': [1, 'x', none, true]} | pprint)", R"("{'a': [1, 'x', None, True]}")"},
      {R"('<x>' | tojson)", R"("\"\\u003cx\\u003e\"")"},
      {R"({'b': "a'<>&", 'a': 1} | tojson)",
       R"("{\"a\": 1, \"b\": \"a\\u0027\\u003c\\u003e\\u0026\"}")"},
      {R"([3, 'a'] | tojson(2))", R"("[\n  3,\n  \"a\"\n]")"},
      {R"({'z': {'y': 1, 'x': []}} | tojson(indent=1))",
       R"("{\n \"z\": {\n  \"x\": [],\n  \"y\": 1\n }\n}")"},
      {R"('é' | tojson)", R"("\"\\u00e9\"")"},
  });
}

TEST_CASE("filters over sequences sort unique min max and sum") {
  CheckAll({
      {R"(nums | sort)", R"([1,1,2,3])"},
      {R"(nums | sort(reverse=true))", R"([3,2,1,1])"},
      {R"(words | sort)", R"(["A","b","c"])"},
      {R"(['b', 'B', 'a'] | sort(case_sensitive=true))", R"(["B","a","b"])"},
      {R"(users | sort(attribute='n', reverse=true) | map(attribute='name') | list)",
       R"(["y","x","z"])"},
      {R"(users | sort(attribute='n,g') | map(attribute='name') | list)", R"(["x","z","y"])"},
      {R"(users | sort(attribute='n,name', reverse=true) | map(attribute='name') | list)",
       R"(["y","z","x"])"},
      {R"('cba' | sort)", R"(["a","b","c"])"},
      {R"(m | sort)", R"(["k1","k2"])"},
      {R"(nums | unique)", R"([3,1,2])"},
      {R"([1, 1.0, true, 'a', 'A'] | unique)", R"([1,"a"])"},
      {R"(['a', 'A', 'b'] | unique(case_sensitive=true))", R"(["a","A","b"])"},
      {R"(users | unique(attribute='n') | map(attribute='name') | list)", R"(["x","y"])"},
      {R"(users | unique(attribute='g') | map(attribute='name') | list)", R"(["x","y"])"},
      {R"(nums | min)", R"(1)"},
      {R"(nums | max)", R"(3)"},
      {R"(words | max)", R"("c")"},
      {R"(words | min(case_sensitive=true))", R"("A")"},
      {R"(users | max(attribute='n'))", R"({"name":"y","n":5,"g":"B"})"},
      {R"(users | min(attribute='g'))", R"({"name":"x","n":2,"g":"a"})"},
      {R"(nums | sum)", R"(7)"},
      {R"([1, 2.5] | sum)", R"(3.5)"},
      {R"(users | sum(attribute='n'))", R"(9)"},
      {R"(nums | sum(start=10))", R"(17)"},
      {R"([[1], [2, 3]] | sum(start=[]))", R"([1,2,3])"},
  });
}

TEST_CASE("filters reverse batch slice dictsort and groupby") {
  CheckAll({
      {R"(nums | reverse)", R"([1,2,1,3])"},
      {R"('abc' | reverse)", R"("cba")"},
      {R"(m | reverse)", R"(["k2","k1"])"},
      {R"([1,2,3,4,5] | batch(2) | list)", R"([[1,2],[3,4],[5]])"},
      {R"([1,2,3,4,5] | batch(2, 'x') | list)", R"([[1,2],[3,4],[5,"x"]])"},
      {R"([1,2,3,4,5] | slice(3) | list)", R"([[1,2],[3,4],[5]])"},
      {R"([1,2,3,4,5] | slice(3, 0) | list)", R"([[1,2],[3,4],[5,0]])"},
      {R"([1,2] | slice(4) | list)", R"([[1],[2],[],[]])"},
      {R"({'b': 1, 'A': 2, 'c': 0} | dictsort)", R"([["A",2],["b",1],["c",0]])"},
      {R"({'b': 1, 'A': 2, 'c': 0} | dictsort(false, 'value'))", R"([["c",0],["b",1],["A",2]])"},
      {R"({'b': 1, 'A': 2, 'c': 0} | dictsort(reverse=true))", R"([["c",0],["b",1],["A",2]])"},
      {R"({'b': 1, 'A': 2, 'a': 0} | dictsort(true))", R"([["A",2],["a",0],["b",1]])"},
      {R"({'b': 1, 'a': 2} | items | list)", R"([["b",1],["a",2]])"},
      {R"(users | groupby('n'))",
       R"([[2,[{"name":"x","n":2,"g":"a"},{"name":"z","n":2,"g":"b"}]],[5,[{"name":"y","n":5,"g":"B"}]]])"},
      {R"(users | groupby('g'))",
       R"([["a",[{"name":"x","n":2,"g":"a"}]],["B",[{"name":"y","n":5,"g":"B"},{"name":"z","n":2,"g":"b"}]]])"},
      {R"(users | groupby('g', case_sensitive=true) | map('first') | list)", R"(["B","a","b"])"},
      {R"([{'a':{'c':1}},{'a':{'c':0}}] | groupby('a.c'))",
       R"([[0,[{"a":{"c":0}}]],[1,[{"a":{"c":1}}]]])"},
      {R"([{'a':1},{'b':2}] | groupby('a', default=5))", R"([[1,[{"a":1}]],[5,[{"b":2}]]])"},
  });
}

TEST_CASE("filters join first last length and list") {
  CheckAll({
      {R"(words | join)", R"("bAc")"},
      {R"(words | join(', '))", R"("b, A, c")"},
      {R"(nums | join(','))", R"("3,1,2,1")"},
      {R"([true, none, 1.5] | join(' '))", R"("True None 1.5")"},
      {R"('abc' | join('.'))", R"("a.b.c")"},
      {R"(m | join(','))", R"("k1,k2")"},
      {R"(users | join(',', attribute='name'))", R"("x,y,z")"},
      {R"(words | first)", R"("b")"},
      {R"(words | last)", R"("c")"},
      {R"(s | first)", R"("h")"},
      {R"(s | last)", R"("o")"},
      {R"(m | first)", R"("k1")"},
      {R"(m | last)", R"("k2")"},
      {R"(words | length)", R"(3)"},
      {R"(s | count)", R"(5)"},
      {R"(m | length)", R"(2)"},
      {R"('ab' | list)", R"(["a","b"])"},
      {R"(m | list)", R"(["k1","k2"])"},
  });
}

TEST_CASE("filters int float round and abs convert like Jinja") {
  CheckAll({
      {R"('42' | int)", R"(42)"},
      {R"(' -7 ' | int)", R"(-7)"},
      {R"('3.9' | int)", R"(3)"},
      {R"('-3.9' | int)", R"(-3)"},
      {R"(3.9 | int)", R"(3)"},
      {R"(true | int)", R"(1)"},
      {R"('abc' | int)", R"(0)"},
      {R"('abc' | int(7))", R"(7)"},
      {R"('' | int)", R"(0)"},
      {R"(none | int)", R"(0)"},
      {R"([1] | int)", R"(0)"},
      {R"('1e3' | int)", R"(1000)"},
      {R"('ff' | int(base=16))", R"(255)"},
      {R"('0x1F' | int(0, 16))", R"(31)"},
      {R"('0x1f' | int(base=0))", R"(31)"},
      {R"('0x1f' | int)", R"(0)"},
      {R"('0b101' | int(base=2))", R"(5)"},
      {R"('777' | int(base=8))", R"(511)"},
      {R"('z' | int(base=36))", R"(35)"},
      {R"('1_000' | int)", R"(1000)"},
      {R"('1.5' | int(base=16))", R"(1)"},
      {R"('2.5' | float)", R"(2.5)"},
      {R"(3 | float)", R"(3.0)"},
      {R"('x' | float)", R"(0.0)"},
      {R"('x' | float(1.5))", R"(1.5)"},
      {R"('1_0' | float)", R"(10.0)"},
      {R"(' 1e3 ' | float)", R"(1000.0)"},
      {R"(true | float)", R"(1.0)"},
      {R"(-3 | abs)", R"(3)"},
      {R"(-2.5 | abs)", R"(2.5)"},
      {R"(2.5 | round)", R"(2.0)"},
      {R"(3.5 | round)", R"(4.0)"},
      {R"(-2.5 | round)", R"(-2.0)"},
      {R"(2.675 | round(2))", R"(2.67)"},
      {R"(42 | round)", R"(42)"},
      {R"(42 | round(1, 'floor'))", R"(42.0)"},
      {R"(2.1 | round(0, 'ceil'))", R"(3.0)"},
      {R"(2.9 | round(method='floor'))", R"(2.0)"},
      {R"(1234.5678 | round(-2))", R"(1200.0)"},
      {R"(3.14159 | round(2))", R"(3.14)"},
  });
}

TEST_CASE("filters map select reject selectattr and rejectattr apply filters and tests by name") {
  CheckAll({
      {R"(users | map(attribute='name') | list)", R"(["x","y","z"])"},
      {R"(users | map(attribute='name') | map('upper') | list)", R"(["X","Y","Z"])"},
      {R"([{'a':1},{}] | map(attribute='a', default=0) | list)", R"([1,0])"},
      {R"(['a-b', 'c'] | map('replace', '-', '+') | list)", R"(["a+b","c"])"},
      {R"(['1', '2'] | map('int') | list)", R"([1,2])"},
      {R"([[1, 2], [3]] | map('length') | list)", R"([2,1])"},
      {R"([{'a': {'b': 1}}] | map(attribute='a.b') | list)", R"([1])"},
      {R"([[1, 2], [3, 4]] | map(attribute='1') | list)", R"([2,4])"},
      {R"([1, 0, 2, none] | select | list)", R"([1,2])"},
      {R"([1, 2, 3] | select('odd') | list)", R"([1,3])"},
      {R"([1, 2, 3] | reject('gt', 1) | list)", R"([1])"},
      {R"([1, 2, 3] | select('==', 2) | list)", R"([2])"},
      {R"([1, 2, 3] | select('ge', 2) | list)", R"([2,3])"},
      {R"(['a', 'b'] | select('in', ['a']) | list)", R"(["a"])"},
      {R"(['ab', 'b', 'abc'] | select('match', 'a') | list)", R"(["ab","abc"])"},
      {R"([1, 'a', none] | reject('string') | list)", R"([1,null])"},
      {R"(users | selectattr('n', 'eq', 2) | map(attribute='name') | list)", R"(["x","z"])"},
      {R"(users | selectattr('g', 'lower') | map(attribute='name') | list)", R"(["x","z"])"},
      {R"(users | rejectattr('n', '>', 2) | map(attribute='name') | list)", R"(["x","z"])"},
      {R"([{'a': 1}, {}] | selectattr('a', 'defined') | list)", R"([{"a":1}])"},
      {R"([{'a': 1}, {}] | selectattr('a', 'undefined') | list)", R"([{}])"},
      {R"([{'a': 1}, {}] | rejectattr('a', 'defined') | list)", R"([{}])"},
      {R"([{'a': 0}, {'a': 2}] | selectattr('a') | list)", R"([{"a":2}])"},
  });
}

}  // namespace
}  // namespace hostprep
