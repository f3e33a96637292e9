// The ARFF reader OpenML imports rely on: types, quoting, missing values, comments, and the refusals.
import { describe, expect, it } from "vitest";
import { ArffFormatError, parseArff, splitArffValues } from "../../datasets/index.js";

describe("parseArff", () => {
  it("reads numeric, nominal, string and date attributes with quoted names and values, '?' and comments", () => {
    const arff = parseArff(
      [
        "% leading comment",
        "@RELATION 'weather data'",
        "@ATTRIBUTE outlook {sunny, 'over cast', \"rain,y\"}",
        "@attribute 'temp (C)' real",
        "@ATTRIBUTE note string",
        "@ATTRIBUTE day DATE \"yyyy-MM-dd\"",
        "@ATTRIBUTE n INTEGER",
        "",
        "@DATA",
        "sunny, 21.5, 'it\\'s', 2020-01-01, 3",
        "% between rows",
        "'over cast',?,'a \\'quoted\\', text',2020-01-02,4",
        "\"rain,y\",-1e2,'?',?,5",
      ].join("\n"),
      "weather.arff",
    );
    expect(arff.relation).toBe("weather data");
    expect(arff.attributes).toEqual([
      { name: "outlook", type: "nominal", values: ["sunny", "over cast", "rain,y"] },
      { name: "temp (C)", type: "numeric" },
      { name: "note", type: "string" },
      { name: "day", type: "date" },
      { name: "n", type: "numeric" },
    ]);
    expect(arff.frame.header).toEqual(["outlook", "temp (C)", "note", "day", "n"]);
    expect(arff.frame.columns[0]).toEqual(["sunny", "over cast", "rain,y"]);
    expect(arff.frame.columns[1]).toEqual(["21.5", "", "-1e2"]);
    // a quoted '?' is the text '?', an unquoted one is missing
    expect(arff.frame.columns[2]).toEqual(["it's", "a 'quoted', text", "?"]);
    expect(arff.frame.columns[3]).toEqual(["2020-01-01", "2020-01-02", ""]);
  });

  it("splits values at top-level commas only", () => {
    expect(splitArffValues(` a , 'b, c' ,"d\\"e",`, "x").values).toEqual(["a", "b, c", 'd"e', ""]);
  });

  it("refuses sparse rows, wrong value counts, bad numbers, unknown types and a missing @data, naming the line", () => {
    const head = "@relation r\n@attribute a numeric\n@attribute b {x,y}\n@data\n";
    const cases: [string, RegExp][] = [
      [`${head}{0 1, 1 x}`, /r\.arff line 5: sparse ARFF rows .* are not read/],
      [`${head}1,x,3`, /r\.arff line 5: 3 values for 2 attributes \(a, b\)/],
      [`${head}one,x`, /r\.arff line 5: 'one' in numeric attribute 'a' is not a number/],
      [`${head}1,'x`, /line 5: unterminated '-quoted value/],
      ["@relation r\n@attribute a relational\n@data\n", /line 2: attribute 'a' has type 'relational', which is not read/],
      ["@relation r\n@attribute a numeric\n", /r\.arff: no @data section/],
    ];
    for (const [text, message] of cases) expect(() => parseArff(text, "r.arff")).toThrow(message);
    expect(() => parseArff(`${head}{0 1}`, "r.arff")).toThrow(ArffFormatError);
  });
});
