import { kind, normalizeGrants, type EndpointPermissionsOutputs } from "../../provider/resources/endpoint-permissions";
import { diffByRules, withCommonOutputs } from "../../provider/engine/plan";

const diff = (_id: string, olds: object, news: object) => Promise.resolve(diffByRules(withCommonOutputs(kind.spec), olds as Record<string, unknown>, news as Record<string, unknown>));

describe("EndpointPermissions", () => {
  test("grant order is not a diff; a new endpoint id replaces (the ACL belongs to one endpoint object)", async () => {
    const checked = await kind.check(undefined, {
      endpointId: "abc",
      accessControl: [
        { userName: "zoe@example.com", permissionLevel: "CAN_MANAGE" },
        { groupName: "users", permissionLevel: "CAN_QUERY" },
      ],
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.accessControl.map((g) => g.groupName ?? g.userName)).toEqual(["users", "zoe@example.com"]);
    const olds = { ...checked.inputs, objectId: "/serving-endpoints/abc" } as EndpointPermissionsOutputs;
    const reordered = (await kind.check(undefined, { endpointId: "abc", accessControl: [...checked.inputs.accessControl].reverse() })).inputs;
    expect(await diff("abc", olds, reordered)).toEqual({ changes: false });
    expect(await diff("abc", olds, { ...reordered, endpointId: "def" })).toEqual({ changes: undefined, replaces: ["endpointId"], deleteBeforeReplace: false });
    expect(await diff("abc", olds, { ...reordered, accessControl: [{ groupName: "users", permissionLevel: "CAN_VIEW" }] })).toEqual({ changes: undefined, replaces: [], deleteBeforeReplace: false });
  });

  test("one grant per principal, exactly one principal per grant", async () => {
    const dup = await kind.check(undefined, { endpointId: "abc", accessControl: [{ groupName: "users", permissionLevel: "CAN_QUERY" }, { groupName: "users", permissionLevel: "CAN_VIEW" }] });
    expect(dup.failures.map((f) => f.property)).toEqual(["accessControl[1]"]);
    const two = await kind.check(undefined, { endpointId: "abc", accessControl: [{ userName: "a@b.c", groupName: "users", permissionLevel: "CAN_QUERY" }] });
    expect(two.failures.map((f) => f.property)).toEqual(["accessControl[0].userName"]);
    expect(normalizeGrants([{ servicePrincipalName: "sp", permissionLevel: "CAN_VIEW" }, { userName: "u", permissionLevel: "CAN_VIEW" }]).map((g) => g.userName ?? g.servicePrincipalName)).toEqual(["sp", "u"]);
  });
});
