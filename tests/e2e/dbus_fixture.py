"""A D-Bus service of fixed objects, for the e2e tests of the collectors that
talk D-Bus (tests/e2e/test_dbus_collectors.py): it owns one bus name on the
bus at --address and serves the objects of a JSON spec (--spec, a file):

    {"name": "org.freedesktop.login1",
     "objects": {"/org/freedesktop/login1": {
         "org.freedesktop.login1.Manager": {
             "methods": {"ListSeats": ["a(so)", [["seat0", "/org/..."]]]},
             "properties": {"IdleHint": ["b", false]}}}}}

Each method takes no argument and returns its value (a D-Bus type and the
value); properties are read-only and answer org.freedesktop.DBus.Properties.
Get and GetAll (GDBus does that from the introspection data built here).
"ready" is printed once the name is owned. The service exits by itself
after --lifetime seconds. Needs python3-gi (Gio), not the interpreter
running the tests: the test looks for one that has it.
"""
import argparse
import json
import sys

from gi.repository import Gio, GLib


def introspection(interfaces):
    """The introspection XML of one object's interfaces."""
    out = ["<node>"]
    for iface, members in interfaces.items():
        out.append('<interface name="%s">' % iface)
        for method, (sig, _) in members.get("methods", {}).items():
            out.append('<method name="%s"><arg type="%s" direction="out"/></method>'
                       % (method, sig))
        for prop, (sig, _) in members.get("properties", {}).items():
            out.append('<property name="%s" type="%s" access="read"/>' % (prop, sig))
        out.append("</interface>")
    out.append("</node>")
    return "".join(out)


def serve(conn, path, interfaces):
    def method_call(_conn, _sender, _path, iface, method, _params, invocation):
        sig, value = interfaces[iface]["methods"][method]
        invocation.return_value(GLib.Variant("(%s)" % sig, (value,)))

    def get_property(_conn, _sender, _path, iface, prop):
        sig, value = interfaces[iface]["properties"][prop]
        return GLib.Variant(sig, value)

    node = Gio.DBusNodeInfo.new_for_xml(introspection(interfaces))
    for info in node.interfaces:
        conn.register_object(path, info, method_call, get_property, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--address", required=True)
    ap.add_argument("--spec", required=True)
    ap.add_argument("--lifetime", type=float, default=60.0)
    args = ap.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    conn = Gio.DBusConnection.new_for_address_sync(
        args.address,
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
        | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    for path, interfaces in spec["objects"].items():
        serve(conn, path, interfaces)
    # DBUS_NAME_FLAG_DO_NOT_QUEUE; 1: the primary owner.
    reply = conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus", "RequestName",
                           GLib.Variant("(su)", (spec["name"], 4)),
                           GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, 5000, None)
    if reply.unpack()[0] != 1:
        sys.exit("dbus_fixture: could not own %s" % spec["name"])
    print("ready", flush=True)
    loop = GLib.MainLoop()
    GLib.timeout_add(int(args.lifetime * 1000), loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
