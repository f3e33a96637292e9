// tasks import-openml --cache: openml-python's cache folder (task.xml, description.xml, dataset_<id>.pq with
// features.xml or dataset.arff, datasplits.arff) gives the same task folder as the REST API; what is missing is named with how to fetch it,
// and a cached file that is a symlink out of the cache is refused.
import { mkdir, readFile, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTaskFolder, loadTask } from "../../datasets/index.js";
import { linguacodus } from "../support/cli.js";
import { tempDir } from "./fixtures.js";
import { datasetJson, N_BIN, pimaArff, pimaFeaturesXml, writePimaParquet, splitsArff, startFakeOpenML, taskJson, type FakeOpenML } from "./openml-server.js";

const cli = (args: string[]) => linguacodus(args, { NO_COLOR: "1" }, { sources: true, cwd: process.cwd() });

let api: FakeOpenML;
let cache: string;
let www: string;

const TASK_XML = (splitsUrl: string) => `<oml:task xmlns:oml="http://openml.org/openml">
  <oml:task_id>1</oml:task_id>
  <oml:task_name>Task 1: pima-mini (Supervised Classification)</oml:task_name>
  <oml:task_type_id>1</oml:task_type_id>
  <oml:task_type>Supervised Classification</oml:task_type>
  <oml:input name="source_data">
    <oml:data_set>
      <oml:data_set_id>61</oml:data_set_id>
      <oml:target_feature>class</oml:target_feature>
    </oml:data_set>
  </oml:input>
  <oml:input name="estimation_procedure">
    <oml:estimation_procedure>
      <oml:id>1</oml:id>
      <oml:type>crossvalidation</oml:type>
      <oml:data_splits_url>${splitsUrl}</oml:data_splits_url>
      <oml:parameter name="number_repeats">1</oml:parameter>
    </oml:estimation_procedure>
  </oml:input>
  <oml:input name="evaluation_measures">
    <oml:evaluation_measures>
      <oml:evaluation_measure>area_under_roc_curve</oml:evaluation_measure>
    </oml:evaluation_measures>
  </oml:input>
</oml:task>
`;

const DESCRIPTION_XML = `<oml:data_set_description xmlns:oml="http://openml.org/openml">
  <oml:id>61</oml:id>
  <oml:name>pima-mini</oml:name>
  <oml:version>1</oml:version>
  <oml:description>**Author**: Test

The pima-mini data, written by the test.</oml:description>
  <oml:format>ARFF</oml:format>
  <oml:licence>CC BY 4.0</oml:licence>
  <oml:url>https://api.openml.org/data/v1/download/61/pima-mini.arff</oml:url>
  <oml:default_target_attribute>class</oml:default_target_attribute>
  <oml:ignore_attribute>row_nr</oml:ignore_attribute>
  <oml:citation>Smith, J. (1988). Diabetes onset.</oml:citation>
</oml:data_set_description>
`;

beforeAll(async () => {
  api = await startFakeOpenML();
  api.route("/data/61.arff", pimaArff());
  api.route("/splits/1.arff", splitsArff(N_BIN));
  api.route("/api/v1/json/data/61", datasetJson({ id: 61, name: "pima-mini", url: `${api.origin}/data/61.arff`, licence: "CC BY 4.0", citation: "Smith, J. (1988). Diabetes onset.", target: "class", ignore: "row_nr" }));
  api.route("/api/v1/json/task/1", taskJson({ id: 1, type: "Supervised Classification", datasetId: 61, target: "class", measure: "area_under_roc_curve", splitsUrl: `${api.origin}/splits/1.arff` }));
  cache = await tempDir("lc-openml-cache-");
  www = join(cache, "org", "openml", "www");
  await mkdir(join(www, "tasks", "1"), { recursive: true });
  await mkdir(join(www, "datasets", "61"), { recursive: true });
  await writeFile(join(www, "tasks", "1", "task.xml"), TASK_XML("https://api.openml.org/api_splits/get/1/Task_1_splits.arff"));
  await writeFile(join(www, "tasks", "1", "datasplits.arff"), splitsArff(N_BIN));
  await writeFile(join(www, "datasets", "61", "description.xml"), DESCRIPTION_XML);
  await writeFile(join(www, "datasets", "61", "dataset.arff"), pimaArff());
  // openml-python ≥ 0.15 caches the parquet copy and the features record beside the ARFF
  await writePimaParquet(join(www, "datasets", "61", "dataset_61.pq"));
  await writeFile(join(www, "datasets", "61", "features.xml"), pimaFeaturesXml());
}, 300_000);

afterAll(async () => {
  await api?.close();
});

describe("tasks import-openml --cache", () => {
  it("imports from openml-python's cache (its parquet copy, else its ARFF) the very folder the REST API gives", async () => {
    const [viaRest, viaCache, viaArff] = [await tempDir("lc-openml-rest-"), await tempDir("lc-openml-offline-"), await tempDir("lc-openml-arff-")];
    expect((await cli(["tasks", "import-openml", "1", "--server", api.server, "--out", viaRest])).code).toBe(0);
    const offline = await cli(["tasks", "import-openml", "1", "--cache", cache, "--out", viaCache]);
    expect(offline.code, offline.stderr).toBe(0);
    // without the parquet copy the cache's ARFF is read, to the same files
    const pq = join(www, "datasets", "61", "dataset_61.pq");
    await rename(pq, `${pq}.away`);
    const arffOnly = await cli(["tasks", "import-openml", "1", "--cache", cache, "--out", viaArff]);
    await rename(`${pq}.away`, pq);
    expect(arffOnly.code, arffOnly.stderr).toBe(0);
    const [rest, cached, fromArff] = [await loadTask(join(viaRest, "openml-1")), await loadTask(join(viaCache, "openml-1")), await loadTask(join(viaArff, "openml-1"))];
    expect(cached.spec.source.notes).toMatch(/dataset 61 \(parquet data\)/);
    expect(fromArff.spec.source.notes).toMatch(/dataset 61 \(ARFF data\)/);
    expect((await checkTaskFolder(cached.dir)).problems).toEqual([]);
    expect(cached.spec.metric.name).toBe("roc_auc");
    expect(cached.spec.license).toBe("CC BY 4.0");
    expect(cached.spec.source.citation).toBe("Smith, J. (1988). Diabetes onset.");
    // same data, same split, same ids: the data files' checksums agree (description.md names its source)
    for (const file of ["public/train.csv", "public/test.csv", "private/answers.csv", "public/sample_submission.csv"]) {
      expect(cached.spec.checksums?.[file], file).toBe(rest.spec.checksums?.[file]);
      expect(fromArff.spec.checksums?.[file], file).toBe(rest.spec.checksums?.[file]);
    }
    expect(await readFile(join(cached.dir, "public", "train.csv"), "utf8")).toContain("B,-");
  }, 60_000);

  it("names what the cache lacks and how to fetch it, and refuses a cached file that leaves the cache", async () => {
    const out = await tempDir("lc-openml-offline-");
    const missing = await cli(["tasks", "import-openml", "7", "--cache", cache, "--out", out]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/OpenML task 7 is not in the cache: .*tasks\/7\/task\.xml is missing; fetch it once with openml-python \(openml\.tasks\.get_task\(7\)\) or import through --server/);

    const notCache = await cli(["tasks", "import-openml", "1", "--cache", out, "--out", out]);
    expect(notCache.stderr).toMatch(/is not openml-python's cache: expected org\/openml\/www\/tasks\/ and datasets\/ under it/);

    const suite = await cli(["tasks", "import-openml", "--suite", "99", "--cache", cache, "--out", out]);
    expect(suite.stderr).toMatch(/openml-python's cache holds no suites; import a suite through --server/);

    // a dataset cached as parquet without the features record that types it
    await mkdir(join(www, "tasks", "2"), { recursive: true });
    await writeFile(join(www, "tasks", "2", "task.xml"), TASK_XML("x").replace(/<oml:data_set_id>61</, "<oml:data_set_id>62<").replace(/<oml:task_id>1</, "<oml:task_id>2<"));
    await mkdir(join(www, "datasets", "62"), { recursive: true });
    await writeFile(join(www, "datasets", "62", "description.xml"), DESCRIPTION_XML.replace("<oml:id>61<", "<oml:id>62<"));
    await writeFile(join(www, "datasets", "62", "dataset_62.pq"), "PAR1");
    const parquet = await cli(["tasks", "import-openml", "2", "--cache", cache, "--out", out]);
    expect(parquet.code).toBe(2);
    expect(parquet.stderr).toMatch(/OpenML dataset 62 has neither dataset_62\.pq with features\.xml nor dataset\.arff in the cache .*openml\.datasets\.get_dataset\(62, download_data=True\)/);

    // the splits of task 3 are a symlink to a host file: refused, nothing read from outside
    await mkdir(join(www, "tasks", "3"), { recursive: true });
    await writeFile(join(www, "tasks", "3", "task.xml"), TASK_XML("x").replace(/<oml:task_id>1</, "<oml:task_id>3<"));
    const secret = join(await tempDir("lc-host-"), "host-secret.arff");
    await writeFile(secret, splitsArff(N_BIN));
    await symlink(secret, join(www, "tasks", "3", "datasplits.arff"));
    const escaped = await cli(["tasks", "import-openml", "3", "--cache", cache, "--out", out]);
    expect(escaped.code).toBe(2);
    expect(escaped.stderr).toMatch(/datasplits\.arff resolves to .*host-secret\.arff, outside .*org\/openml\/www; an import reads only the cache's own files/);
  }, 90_000);
});
